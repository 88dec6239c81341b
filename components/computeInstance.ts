import * as pulumi from "@pulumi/pulumi";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import { isValidName, NAME_RULES } from "./naming";
import { idleShutdownProblem, vmSizeProblem } from "./validation";

/** Arguments of {@link ComputeInstance}. */
export interface ComputeInstanceArgs {
    /** Required. The resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The workspace the instance belongs to. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. The region, which must be the workspace's. */
    readonly location: pulumi.Input<string>;
    /**
     * Required. The instance name: 3-24 letters, digits and `-`, starting with a letter, unique in the
     * Azure region (so derive it with a random suffix).
     */
    readonly computeInstanceName: pulumi.Input<string>;
    /** Optional. The VM size. Defaults to `Standard_DS11_v2` (the lab's CPU size). */
    readonly vmSize?: string;
    /**
     * Optional. Idle time before the instance shuts itself down, an ISO 8601 duration from `PT15M` to
     * `P3D`. Cannot be combined with `disableIdleShutdown`. Defaults to `PT60M`.
     */
    readonly idleTimeBeforeShutdown?: string;
    /**
     * Optional. Keeps the instance running when idle, which costs money until someone stops it.
     * Cannot be combined with `idleTimeBeforeShutdown`. Defaults to false.
     */
    readonly disableIdleShutdown?: boolean;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const COMPUTE_INSTANCE_DEFAULTS = {
    vmSize: "Standard_DS11_v2",
    idleTimeBeforeShutdown: "PT60M",
    disableIdleShutdown: false,
} as const;

/**
 * How long creating or deleting an instance may take before Pulumi gives up: Azure usually needs
 * 4-8 minutes to create one and a few to delete it; the margin absorbs a slow region.
 */
export const COMPUTE_INSTANCE_TIMEOUTS = { create: "30m", update: "30m", delete: "20m" } as const;

/**
 * One Azure ML compute instance as the lab sets it up: CPU, no SSH, no virtual network, not assigned
 * to another user, no setup script, no managed identity, applications visible to its owner only, and an
 * idle shutdown so that a forgotten instance stops costing money.
 *
 * Without a virtual network the instance keeps a public node IP; with SSH off nothing listens on it
 * for the public, and this is the lab's accepted exception (a subnet needs a VNet the lab does not have).
 * An instance belongs to whoever creates it: deployed by a pipeline identity, it is that identity's.
 */
export class ComputeInstance extends pulumi.ComponentResource {
    /** The instance name. */
    public readonly computeInstanceName: pulumi.Output<string>;
    /** The instance's ARM resource id (`<workspace id>/computes/<name>`). */
    public readonly computeId: pulumi.Output<string>;
    /** The instance resource itself, for resources that must depend on it. */
    public readonly compute: ml.Compute;

    constructor(name: string, args: ComputeInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:ComputeInstance", name, {}, opts);
        validateComputeInstanceArgs(args, this);

        const vmSize = args.vmSize ?? COMPUTE_INSTANCE_DEFAULTS.vmSize;
        const idleTime = args.disableIdleShutdown
            ? undefined
            : (args.idleTimeBeforeShutdown ?? COMPUTE_INSTANCE_DEFAULTS.idleTimeBeforeShutdown);

        this.compute = new ml.Compute(`${name}-instance`, {
            resourceGroupName: args.resourceGroupName,
            workspaceName: args.workspaceName,
            computeName: args.computeInstanceName,
            location: args.location,
            properties: {
                computeType: "ComputeInstance",
                properties: {
                    vmSize,
                    sshSettings: { sshPublicAccess: ml.SshPublicAccess.Disabled },
                    applicationSharingPolicy: ml.ApplicationSharingPolicy.Personal,
                    computeInstanceAuthorizationType: ml.ComputeInstanceAuthorizationType.Personal,
                    ...(idleTime !== undefined ? { idleTimeBeforeShutdown: idleTime } : {}),
                },
            },
        }, {
            parent: this,
            // A component's dependsOn does not reach its children by itself; the instance must wait for
            // it (e.g. the workspace's purge resource, so that a destroy deletes the instance first).
            dependsOn: opts?.dependsOn,
            // Azure fixes an instance's settings at creation: a change means a new instance, and the
            // name is fixed, so the old one goes first.
            replaceOnChanges: ["properties"],
            deleteBeforeReplace: true,
            customTimeouts: COMPUTE_INSTANCE_TIMEOUTS,
        });

        this.computeInstanceName = this.compute.name;
        this.computeId = this.compute.id;
        this.registerOutputs({ computeInstanceName: this.computeInstanceName, computeId: this.computeId });
    }
}

/** Throws one ResourceError naming the argument, the value and the rule, before any child exists. */
function validateComputeInstanceArgs(args: ComputeInstanceArgs, resource: pulumi.Resource): void {
    const fail = (message: string): never => {
        throw new pulumi.ResourceError(`ComputeInstance: ${message}`, resource);
    };
    if (args.disableIdleShutdown && args.idleTimeBeforeShutdown !== undefined) {
        fail("idleTimeBeforeShutdown and disableIdleShutdown cannot be combined: set one of them.");
    }
    if (typeof args.computeInstanceName === "string" && !isValidName("computeInstance", args.computeInstanceName)) {
        fail(`computeInstanceName ${JSON.stringify(args.computeInstanceName)} is not a valid ${NAME_RULES.computeInstance.resource} name: ${NAME_RULES.computeInstance.description}.`);
    }
    const sizeProblem = args.vmSize === undefined ? undefined : vmSizeProblem(args.vmSize);
    if (sizeProblem) {
        fail(`vmSize ${JSON.stringify(args.vmSize)} ${sizeProblem}.`);
    }
    const idleProblem =
        args.idleTimeBeforeShutdown === undefined ? undefined : idleShutdownProblem(args.idleTimeBeforeShutdown);
    if (idleProblem) {
        fail(`idleTimeBeforeShutdown ${JSON.stringify(args.idleTimeBeforeShutdown)} ${idleProblem}.`);
    }
}
