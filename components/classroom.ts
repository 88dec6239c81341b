import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { ComputeInstance, COMPUTE_INSTANCE_DEFAULTS } from "./computeInstance";
import { NAME_SUFFIX } from "./naming";
import { firstProblem, guidProblem, idleShutdownProblem, ReportProblem, subscriptionIdOf, vmSizeProblem, workspaceIdProblem } from "./validation";

/** One learner of a class: who they are in Entra ID. */
export interface ClassroomLearner {
    /** Required. The learner's name as people know it; their instance name is derived from it. */
    readonly displayName: string;
    /** Required. The learner's Entra object id (a GUID), unique in the class. */
    readonly objectId: string;
}

/** Who got what: one learner and their compute instance. */
export interface ClassroomAssignment {
    /** The learner's display name, as given. */
    readonly displayName: string;
    /** The learner's Entra object id, as given. */
    readonly objectId: string;
    /** The name of the compute instance assigned to the learner. */
    readonly computeInstanceName: string;
}

/** Arguments of {@link Classroom}. */
export interface ClassroomArgs {
    /** Required. The resource group of the shared workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The shared workspace's name. */
    readonly workspaceName: pulumi.Input<string>;
    /**
     * Required. The shared workspace's ARM resource id: the scope of the learners' role assignments, and
     * the subscription of the role definition.
     */
    readonly workspaceId: pulumi.Input<string>;
    /** Required. The workspace's region, where the instances are created. */
    readonly location: pulumi.Input<string>;
    /** Required. The Entra tenant id (a GUID) of the learners. */
    readonly tenantId: pulumi.Input<string>;
    /**
     * Required. The learners, 1 to 50, each with a non-empty display name and a distinct object id. Each
     * gets a compute instance assigned to them and, unless `skipRoleAssignments`, the AzureML Data
     * Scientist role on the workspace.
     */
    readonly learners: ClassroomLearner[];
    /**
     * Required. 1-6 lowercase letters and digits ending every instance name, so the names are unique in
     * the region (instance names are region-wide): e.g. the workspace's random name suffix. An Output is
     * used as it resolves, lowercased, with other characters dropped and cut to 6.
     */
    readonly instanceNameSuffix: pulumi.Input<string>;
    /** Optional. The VM size of every instance. Defaults to `Standard_DS11_v2`. */
    readonly vmSize?: string;
    /**
     * Optional. Idle time before each instance shuts itself down, an ISO 8601 duration from `PT15M` to
     * `P3D`. Idle shutdown cannot be turned off for a class. Defaults to `PT60M`.
     */
    readonly idleTimeBeforeShutdown?: string;
    /**
     * Optional. Creates no role assignments, for a deploying identity that may not assign roles (someone
     * else then grants the learners access to the workspace). Defaults to false: the deploying identity
     * needs `Microsoft.Authorization/roleAssignments/write` on the workspace, which Owner, User Access
     * Administrator and Role Based Access Control Administrator have (Contributor does not).
     */
    readonly skipRoleAssignments?: boolean;
}

/** The built-in role each learner gets on the workspace: use it, run jobs, but not create computes. */
export const AZUREML_DATA_SCIENTIST_ROLE = {
    name: "AzureML Data Scientist",
    id: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
} as const;

/** The component's defaults, named once for the code, the docs and the tests. */
export const CLASSROOM_DEFAULTS = {
    vmSize: COMPUTE_INSTANCE_DEFAULTS.vmSize,
    idleTimeBeforeShutdown: COMPUTE_INSTANCE_DEFAULTS.idleTimeBeforeShutdown,
    skipRoleAssignments: false,
} as const;

/**
 * How many learners a class may have. The real limit is the region's vCPU quota for the VM family
 * (50 Standard_DS11_v2 instances are 100 vCPUs), which Azure checks when the instances are created.
 */
export const CLASSROOM_LIMITS = { learners: { min: 1, max: 50 } } as const;

/** Letters (from the learner's object id) that tell apart learners whose display names are the same. */
const TAG_LENGTH = 4;
/** Room for the display-name part of an instance name: 24 minus `-`, the tag and the longest suffix. */
const NAME_ROOM = 24 - 1 - TAG_LENGTH - NAME_SUFFIX.length;
/** Used when a display name has no Latin letter to start a name with. */
const FALLBACK_NAME = "learner";
const SUFFIX_PATTERN = new RegExp(`^[a-z0-9]{1,${NAME_SUFFIX.length}}$`);

/**
 * The instance name before the suffix: the display name in lowercase Latin letters and digits
 * (accents dropped, starting with a letter, cut to fit), `-`, and four letters derived from the
 * object id. The letters after the `-` satisfy the rule that a `-` is followed later by a letter, and
 * tell apart two learners with the same display name.
 */
export function learnerInstanceNameBase(displayName: string, objectId: string): string {
    const latin = displayName.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^a-z0-9]/g, "");
    const fromLetter = latin.replace(/^[^a-z]+/, "");
    const digest = createHash("sha256").update(objectId.toLowerCase()).digest();
    const tag = [...digest.subarray(0, TAG_LENGTH)].map((byte) => String.fromCharCode(97 + (byte % 26))).join("");
    return `${(fromLetter || FALLBACK_NAME).slice(0, NAME_ROOM)}-${tag}`;
}

/** A suffix reduced to what every instance name accepts: lowercase letters and digits, at most 6. */
export function instanceNameSuffixOf(suffix: string): string {
    return suffix.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, NAME_SUFFIX.length);
}

/**
 * A learner's compute instance name: deterministic, valid under Azure's compute instance rule for any
 * display name, object id and suffix, and different for learners whose bases differ.
 */
export function learnerInstanceName(displayName: string, objectId: string, suffix: string): string {
    return `${learnerInstanceNameBase(displayName, objectId)}${instanceNameSuffixOf(suffix)}`;
}

/** The namespace of this project's name-based (version 5) GUIDs. */
const GUID_NAMESPACE = "dcb66960-494c-4982-89bd-77f9cfd5f66b";

/** A name-based GUID (RFC 4122 version 5: SHA-1 of namespace and name), the same for the same input. */
export function uuidV5(name: string, namespace: string = GUID_NAMESPACE): string {
    const hash = createHash("sha1").update(Buffer.from(namespace.replace(/-/g, ""), "hex")).update(name, "utf8").digest();
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    const hex = hash.subarray(0, 16).toString("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The role assignment's name, which Azure wants to be a GUID: derived from the scope, the learner and
 * the role (as Bicep's `guid(scope, principal, role)` does), so a re-run finds the same assignment
 * instead of creating a duplicate. ARM ids and GUIDs compare case-insensitively, so they are lowercased.
 */
export function learnerRoleAssignmentName(workspaceId: string, objectId: string, roleId: string = AZUREML_DATA_SCIENTIST_ROLE.id): string {
    return uuidV5([workspaceId, objectId, roleId].map((part) => part.toLowerCase()).join("|"));
}

/**
 * One instructor's class in one shared workspace: per learner, a compute instance assigned to them
 * (with idle shutdown) and the AzureML Data Scientist role on the workspace, so they can open the
 * studio, use their own instance and run jobs, but not create or delete computes.
 *
 * The deploying identity needs to be allowed to assign roles on the workspace: Owner, User Access
 * Administrator or Role Based Access Control Administrator (Contributor is not enough), or set
 * `skipRoleAssignments`. The regional vCPU quota must cover one instance per learner.
 */
export class Classroom extends pulumi.ComponentResource {
    /** Who got what: per learner, in the given order, the display name, object id and instance name. */
    public readonly assignments: pulumi.Output<ClassroomAssignment[]>;
    /** The ARM ids of the learners' role assignments, in learner order; empty with `skipRoleAssignments`. */
    public readonly roleAssignmentIds: pulumi.Output<string[]>;

    constructor(name: string, args: ClassroomArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:Classroom", name, {}, opts);
        const bases = validateClassroomArgs(args, (message) => {
            throw new pulumi.ResourceError(`Classroom: ${message}`, this);
        });

        const skipRoleAssignments = args.skipRoleAssignments ?? CLASSROOM_DEFAULTS.skipRoleAssignments;
        // Everything inside the workspace waits for what the component waits for (e.g. the workspace's
        // purge resource, so that a destroy removes instances and role assignments first).
        const childOpts = { parent: this, dependsOn: opts?.dependsOn };
        const suffix = args.instanceNameSuffix;
        const workspaceId = pulumi.output(args.workspaceId);
        const roleDefinitionId = workspaceId.apply((id) => {
            const subscriptionId = subscriptionIdOf(id);
            if (subscriptionId === undefined) {
                throw new Error(`Classroom: workspaceId ${JSON.stringify(id)} ${workspaceIdProblem(id)}.`);
            }
            return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${AZUREML_DATA_SCIENTIST_ROLE.id}`;
        });

        const instanceNames: pulumi.Output<string>[] = [];
        const roleAssignmentIds: pulumi.Output<string>[] = [];
        args.learners.forEach((learner, index) => {
            // Children are keyed by object id, never by display name: renaming a learner must not delete
            // and recreate their role assignment (the new one would have the same GUID name, and the
            // delete of the old one would then remove it).
            const key = `${name}-${learner.objectId.toLowerCase()}`;
            const instance = new ComputeInstance(key, {
                resourceGroupName: args.resourceGroupName,
                workspaceName: args.workspaceName,
                location: args.location,
                computeInstanceName: typeof suffix === "string"
                    ? `${bases[index]}${instanceNameSuffixOf(suffix)}`
                    : pulumi.output(suffix).apply((value) => `${bases[index]}${instanceNameSuffixOf(value)}`),
                vmSize: args.vmSize,
                idleTimeBeforeShutdown: args.idleTimeBeforeShutdown,
                assignedUserObjectId: learner.objectId,
                assignedUserTenantId: args.tenantId,
            }, childOpts);
            instanceNames.push(instance.computeInstanceName);

            if (!skipRoleAssignments) {
                const assignment = new authorization.RoleAssignment(`${key}-role`, {
                    roleAssignmentName: workspaceId.apply((id) => learnerRoleAssignmentName(id, learner.objectId)),
                    scope: workspaceId,
                    roleDefinitionId,
                    principalId: learner.objectId,
                    principalType: authorization.PrincipalType.User,
                }, childOpts);
                roleAssignmentIds.push(assignment.id);
            }
        });

        this.assignments = pulumi.all(instanceNames).apply((names) =>
            args.learners.map((learner, index) => ({
                displayName: learner.displayName,
                objectId: learner.objectId,
                computeInstanceName: names[index],
            })));
        this.roleAssignmentIds = pulumi.all(roleAssignmentIds).apply((ids) => [...ids]);
        this.registerOutputs({ assignments: this.assignments, roleAssignmentIds: this.roleAssignmentIds });
    }
}

/** The first problem with the arguments, or undefined: what the constructor would refuse. */
export function classroomArgsProblem(args: ClassroomArgs): string | undefined {
    return firstProblem((report) => validateClassroomArgs(args, report));
}

/**
 * Reports the first problem naming the argument, the value and the rule, before any child exists.
 * Returns each learner's instance name base.
 */
function validateClassroomArgs(args: ClassroomArgs, fail: ReportProblem): string[] {
    const check = (arg: string, value: unknown, problem: string | undefined): void => {
        if (problem) {
            fail(`${arg} ${value === undefined ? "(not set)" : JSON.stringify(value)} ${problem}.`);
        }
    };

    const { min, max } = CLASSROOM_LIMITS.learners;
    if (!Array.isArray(args.learners) || args.learners.length < min || args.learners.length > max) {
        const count = Array.isArray(args.learners) ? `${args.learners.length} entries` : "not a list";
        fail(`learners (${count}) must list from ${min} to ${max} learners.`);
    }
    const seen = new Map<string, number>();
    args.learners.forEach((learner, index) => {
        const at = `learners[${index}]`;
        const displayName: unknown = learner.displayName;
        check(`${at}.displayName`, displayName,
            typeof displayName === "string" && displayName.trim() !== "" ? undefined : "must be a non-empty name");
        const objectId: unknown = learner.objectId;
        check(`${at}.objectId`, objectId, typeof objectId === "string" ? guidProblem(objectId) : "must be a GUID string");
        const previous = seen.get(learner.objectId.toLowerCase());
        if (previous !== undefined) {
            fail(`${at}.objectId ${JSON.stringify(learner.objectId)} repeats learners[${previous}]: list each learner once.`);
        }
        seen.set(learner.objectId.toLowerCase(), index);
    });

    if (typeof args.tenantId === "string") {
        check("tenantId", args.tenantId, guidProblem(args.tenantId));
    }
    if (typeof args.workspaceId === "string") {
        check("workspaceId", args.workspaceId, workspaceIdProblem(args.workspaceId));
    }
    if (typeof args.instanceNameSuffix === "string") {
        check("instanceNameSuffix", args.instanceNameSuffix,
            SUFFIX_PATTERN.test(args.instanceNameSuffix) ? undefined : `must be 1-${NAME_SUFFIX.length} lowercase letters and digits`);
    }
    if (args.vmSize !== undefined) {
        check("vmSize", args.vmSize, vmSizeProblem(args.vmSize));
    }
    if (args.idleTimeBeforeShutdown !== undefined) {
        check("idleTimeBeforeShutdown", args.idleTimeBeforeShutdown, idleShutdownProblem(args.idleTimeBeforeShutdown));
    }

    const bases = args.learners.map((learner) => learnerInstanceNameBase(learner.displayName, learner.objectId));
    const firstWithBase = new Map<string, number>();
    bases.forEach((base, index) => {
        const other = firstWithBase.get(base);
        if (other !== undefined) {
            fail(`learners[${index}] (${JSON.stringify(args.learners[index].displayName)}) and learners[${other}] (${JSON.stringify(args.learners[other].displayName)}) would get the same compute instance name "${base}...": change one display name.`);
        }
        firstWithBase.set(base, index);
    });
    return bases;
}
