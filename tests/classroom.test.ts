/**
 * Classroom as the engine receives it: per learner an assigned compute instance with idle shutdown and
 * an AzureML Data Scientist role assignment on the workspace, with deterministic names; outputs say who
 * got what; bad arguments fail with one ResourceError before any child.
 */
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
    AZUREML_DATA_SCIENTIST_ROLE,
    Classroom,
    ClassroomArgs,
    ClassroomLearner,
    learnerInstanceName,
    learnerInstanceNameBase,
    learnerRoleAssignmentName,
    uuidV5,
} from "../components/classroom";
import { isValidName } from "../components/naming";
import { EngineRecord, installEngineDouble, RegisteredResource } from "../plan/engineDouble";
import { promiseOf } from "./helpers/program";
import { errorOf } from "./helpers/errors";

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({ project: "components", stack: "test", config: {} });
});

const T = {
    classroom: "mllab:index:Classroom",
    instanceComponent: "mllab:index:ComputeInstance",
    compute: "azure-native:machinelearningservices:Compute",
    roleAssignment: "azure-native:authorization:RoleAssignment",
} as const;

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-class/providers/Microsoft.MachineLearningServices/workspaces/mlw-class`;
const TENANT_ID = "0f1e2d3c-4b5a-4968-8776-655443322110";
const ROLE_DEFINITION_ID = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121`;

const ANA: ClassroomLearner = { displayName: "Ana Lívia Souza", objectId: "4C3B2A19-8D7E-4F60-9A1B-2C3D4E5F6A7B" };
const LI: ClassroomLearner = { displayName: "李雷", objectId: "9e8d7c6b-5a49-4382-b1c0-d9e8f7a6b5c4" };
const SEAN: ClassroomLearner = { displayName: "O'Brien, Seán", objectId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" };
/** Another learner with Ana's display name. */
const ANA_TOO: ClassroomLearner = { displayName: "Ana Lívia Souza", objectId: "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e" };

/**
 * Computed independently (Python: unicodedata NFKD, hashlib.sha256, uuid.uuid5) from the rules in
 * components/classroom.ts, so the test does not check the code against itself.
 */
const EXPECTED = new Map<string, { instance: string; roleAssignment: string }>([
    [ANA.objectId, { instance: "analiviasouza-dlwyk7x2ab", roleAssignment: "74fef5dd-19eb-5fc8-999f-af03ed5e985e" }],
    [LI.objectId, { instance: "learner-aanhk7x2ab", roleAssignment: "238cdd76-a709-58f8-a896-37e69b38aec7" }],
    [SEAN.objectId, { instance: "obriensean-vmwek7x2ab", roleAssignment: "c6438761-d96c-563b-bd50-503ccbdec8eb" }],
    [ANA_TOO.objectId, { instance: "analiviasouza-zhvvk7x2ab", roleAssignment: "38e28ac5-5d82-590c-a0a1-34cb49ebd552" }],
]);

const base: ClassroomArgs = {
    resourceGroupName: "rg-class",
    workspaceName: "mlw-class",
    workspaceId: WORKSPACE_ID,
    location: "westeurope",
    tenantId: TENANT_ID,
    learners: [ANA, LI, SEAN, ANA_TOO],
    instanceNameSuffix: "k7x2ab",
};

/** Builds a classroom and waits for its outputs (so every child is registered). */
async function build(name: string, override: Partial<ClassroomArgs>, opts?: pulumi.ComponentResourceOptions) {
    const classroom = new Classroom(name, { ...base, ...override }, opts);
    const assignments = await promiseOf(classroom.assignments);
    const roleAssignmentIds = await promiseOf(classroom.roleAssignmentIds);
    const children = (type: string) => record.resources.filter((r) => r.type === type && r.urn.includes(`::${name}-`));
    return { classroom, assignments, roleAssignmentIds, computes: children(T.compute), roles: children(T.roleAssignment) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputs = (resource: RegisteredResource): Record<string, any> => resource.inputs as Record<string, any>;

describe("a class of four", () => {
    let built: Awaited<ReturnType<typeof build>>;
    beforeAll(async () => {
        built = await build("class", {});
    });

    test("one compute instance per learner, assigned to them, with the lab's settings and idle shutdown", () => {
        expect(built.computes).toHaveLength(4);
        for (const learner of base.learners) {
            const compute = built.computes.find((c) => c.name === `class-${learner.objectId.toLowerCase()}-instance`);
            expect(compute?.inputs).toEqual({
                resourceGroupName: "rg-class",
                workspaceName: "mlw-class",
                computeName: EXPECTED.get(learner.objectId)?.instance,
                location: "westeurope",
                properties: {
                    computeType: "ComputeInstance",
                    properties: {
                        vmSize: "Standard_DS11_v2",
                        sshSettings: { sshPublicAccess: "Disabled" },
                        applicationSharingPolicy: "Personal",
                        computeInstanceAuthorizationType: "personal",
                        idleTimeBeforeShutdown: "PT60M",
                        personalComputeInstanceSettings: { assignedUser: { objectId: learner.objectId, tenantId: TENANT_ID } },
                    },
                },
            });
        }
    });

    test("one AzureML Data Scientist assignment per learner on the workspace, as a User, with a derived GUID name", () => {
        expect(built.roles).toHaveLength(4);
        for (const learner of base.learners) {
            const role = built.roles.find((r) => r.name === `class-${learner.objectId.toLowerCase()}-role`);
            expect(role?.inputs).toEqual({
                roleAssignmentName: EXPECTED.get(learner.objectId)?.roleAssignment,
                scope: WORKSPACE_ID,
                roleDefinitionId: ROLE_DEFINITION_ID,
                principalId: learner.objectId,
                principalType: "User",
            });
        }
    });

    test("outputs list who got what, in the given order, and the role assignment ids", () => {
        expect(built.assignments).toEqual(base.learners.map((learner) => ({
            displayName: learner.displayName,
            objectId: learner.objectId,
            computeInstanceName: EXPECTED.get(learner.objectId)?.instance,
        })));
        expect(built.roleAssignmentIds).toEqual(base.learners.map((learner) =>
            `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/fake/RoleAssignment/class-${learner.objectId.toLowerCase()}-role`));
    });

    test("learners with the same display name get different instances", () => {
        const names = built.computes.map((c) => inputs(c).computeName);
        expect(new Set(names).size).toBe(4);
    });

    test("every child is the classroom's: instances through their own component", () => {
        const classroom = record.resources.find((r) => r.type === T.classroom && r.name === "class");
        for (const compute of built.computes) {
            const component = record.resources.find((r) => r.urn === compute.parent);
            expect(component?.type).toBe(T.instanceComponent);
            expect(component?.parent).toBe(classroom?.urn);
        }
        for (const role of built.roles) {
            expect(role.parent).toBe(classroom?.urn);
        }
    });

    test("the only role is AzureML Data Scientist", () => {
        expect(AZUREML_DATA_SCIENTIST_ROLE).toEqual({ name: "AzureML Data Scientist", id: "f6c7c914-8db3-469d-8ca1-694a8f32e121" });
    });
});

/** A custom resource to wait for, as the lab's workspace purge resource is. */
class Gate extends pulumi.CustomResource {
    constructor(name: string) {
        super("test:index:Gate", name, {});
    }
}

describe("options", () => {
    test("VM size and idle time reach every instance", async () => {
        const { computes } = await build("sized", { learners: [ANA, SEAN], vmSize: "Standard_E4ds_v4", idleTimeBeforeShutdown: "PT30M" });
        expect(computes.map((c) => [inputs(c).properties.properties.vmSize, inputs(c).properties.properties.idleTimeBeforeShutdown]))
            .toEqual([["Standard_E4ds_v4", "PT30M"], ["Standard_E4ds_v4", "PT30M"]]);
    });

    test("skipRoleAssignments: instances only, no role assignment, no ids", async () => {
        const { computes, roles, roleAssignmentIds } = await build("noroles", { learners: [ANA], skipRoleAssignments: true });
        expect(computes).toHaveLength(1);
        expect(roles).toEqual([]);
        expect(roleAssignmentIds).toEqual([]);
    });

    test("Outputs for the workspace, tenant and suffix (as MlWorkspace gives them); the suffix is made name-safe", async () => {
        const { computes, roles, assignments } = await build("outputs", {
            learners: [ANA],
            workspaceId: pulumi.output(WORKSPACE_ID),
            tenantId: pulumi.output(TENANT_ID),
            instanceNameSuffix: pulumi.output("K7_x2-ab99"),
        });
        expect(inputs(computes[0]).computeName).toBe("analiviasouza-dlwyk7x2ab");
        expect(assignments[0].computeInstanceName).toBe("analiviasouza-dlwyk7x2ab");
        expect(inputs(computes[0]).properties.properties.personalComputeInstanceSettings.assignedUser.tenantId).toBe(TENANT_ID);
        expect(inputs(roles[0]).roleAssignmentName).toBe(EXPECTED.get(ANA.objectId)?.roleAssignment);
        expect(inputs(roles[0]).roleDefinitionId).toBe(ROLE_DEFINITION_ID);
    });

    test("what the classroom waits for (e.g. the workspace's purge resource), every instance and assignment waits for", async () => {
        const gate = new Gate("gate");
        const { computes, roles } = await build("gated", { learners: [ANA, SEAN] }, { dependsOn: [gate] });
        const gateUrn = record.resources.find((r) => r.name === "gate")?.urn;
        for (const child of [...computes, ...roles]) {
            expect([child.name, child.dependencies.includes(gateUrn as string)]).toEqual([child.name, true]);
        }
    });
});

describe("names", () => {
    test("instance names are valid, deterministic and unique per learner for any input (property)", () => {
        fc.assert(fc.property(
            fc.string({ unit: "grapheme", maxLength: 80 }),
            fc.uuid(),
            fc.string({ maxLength: 12 }),
            (displayName, objectId, suffix) => {
                const name = learnerInstanceName(displayName, objectId, suffix);
                expect([name, isValidName("computeInstance", name)]).toEqual([name, true]);
                expect(learnerInstanceName(displayName, objectId.toUpperCase(), suffix)).toBe(name);
            },
        ), { numRuns: 2000 });
    });

    test("display names whose Latin letters differ in the first 13 give different names (property)", () => {
        const word = fc.stringMatching(/^[a-z][a-z0-9]{0,20}$/);
        fc.assert(fc.property(word, word, fc.uuid(), fc.uuid(), (a, b, idA, idB) => {
            fc.pre(a.slice(0, 13) !== b.slice(0, 13));
            expect(learnerInstanceName(a, idA, "k7x2ab")).not.toBe(learnerInstanceName(b, idB, "k7x2ab"));
        }), { numRuns: 1000 });
    });

    test("the name part before the suffix keeps Latin letters and digits, drops accents, starts with a letter", () => {
        expect(learnerInstanceNameBase("Zoë 2nd-Year", ANA.objectId)).toMatch(/^zoe2ndyear-[a-z]{4}$/);
        expect(learnerInstanceNameBase("42 Łukasz", ANA.objectId)).toMatch(/^ukasz-[a-z]{4}$/);
        expect(learnerInstanceNameBase("  ", ANA.objectId)).toMatch(/^learner-[a-z]{4}$/);
    });

    test("role assignment names are RFC 4122 version 5 GUIDs, the same for the same scope, learner and role in any case", () => {
        // RFC 4122 / Python's uuid.uuid5(NAMESPACE_DNS, "www.example.com").
        expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
        const name = learnerRoleAssignmentName(WORKSPACE_ID, ANA.objectId);
        expect(name).toBe(EXPECTED.get(ANA.objectId)?.roleAssignment);
        expect(learnerRoleAssignmentName(WORKSPACE_ID.toUpperCase(), ANA.objectId.toLowerCase())).toBe(name);
        expect(learnerRoleAssignmentName(WORKSPACE_ID.replace("mlw-class", "mlw-other"), ANA.objectId)).not.toBe(name);
    });
});


/** Two object ids whose 4-letter tags collide, found by search: same display name, same instance name. */
function collidingObjectIds(): [string, string] {
    const seen = new Map<string, string>();
    for (let i = 0; ; i++) {
        const objectId = `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`;
        const key = learnerInstanceNameBase("Sam Lee", objectId);
        const other = seen.get(key);
        if (other) {
            return [other, objectId];
        }
        seen.set(key, objectId);
    }
}

describe("bad arguments fail with one ResourceError and no child", () => {
    const [first, second] = collidingObjectIds();
    const many = Array.from({ length: 51 }, (_, i) => ({ displayName: `L${i}`, objectId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` }));
    test.each<[string, Partial<ClassroomArgs>, string]>([
        ["no learners", { learners: [] }, "Classroom: learners (0 entries) must list from 1 to 50 learners."],
        ["too many learners", { learners: many }, "Classroom: learners (51 entries) must list from 1 to 50 learners."],
        ["empty display name", { learners: [ANA, { displayName: " ", objectId: SEAN.objectId }] },
            'Classroom: learners[1].displayName " " must be a non-empty name.'],
        ["object id shape", { learners: [{ displayName: "Ana", objectId: "ana@contoso.com" }] },
            'Classroom: learners[0].objectId "ana@contoso.com" must be a GUID such as 00000000-0000-0000-0000-000000000000.'],
        ["duplicate object id (any case)", { learners: [ANA, SEAN, { displayName: "Ana S.", objectId: ANA.objectId.toLowerCase() }] },
            `Classroom: learners[2].objectId "${ANA.objectId.toLowerCase()}" repeats learners[0]: list each learner once.`],
        ["tenant id", { tenantId: "contoso.onmicrosoft.com" },
            'Classroom: tenantId "contoso.onmicrosoft.com" must be a GUID such as 00000000-0000-0000-0000-000000000000.'],
        ["workspace id", { workspaceId: "mlw-class" },
            `Classroom: workspaceId "mlw-class" must be an Azure ML workspace's ARM resource id (/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.MachineLearningServices/workspaces/<name>).`],
        ["suffix", { instanceNameSuffix: "Class-B" }, 'Classroom: instanceNameSuffix "Class-B" must be 1-6 lowercase letters and digits.'],
        ["vm size", { vmSize: "DS11" }, 'Classroom: vmSize "DS11" must be an Azure VM size name such as Standard_DS11_v2.'],
        ["idle time", { idleTimeBeforeShutdown: "P4D" }, 'Classroom: idleTimeBeforeShutdown "P4D" must be between 15 minutes (PT15M) and 3 days (P3D).'],
        ["colliding names", { learners: [{ displayName: "Sam Lee", objectId: first }, ANA, { displayName: "Sam Lee", objectId: second }] },
            `Classroom: learners[2] ("Sam Lee") and learners[0] ("Sam Lee") would get the same compute instance name "${learnerInstanceNameBase("Sam Lee", first)}...": change one display name.`],
    ])("%s", async (what, override, message) => {
        const before = record.resources.length;
        const error = errorOf(() => new Classroom(`bad-${what.replace(/[ ()]/g, "-")}`, { ...base, ...override }));
        expect(error).toEqual({ message, isResourceError: true });
        // Registration is asynchronous: give it time, then nothing but the classroom itself is there.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(record.resources.slice(before).map((r) => r.type).filter((type) => type !== T.classroom)).toEqual([]);
    });
});
