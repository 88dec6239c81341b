/**
 * The scenario stacks (Pulumi.<stack>.yaml), each run as `pulumi up` would run it, against the engine
 * double: what each must create, and the policy findings it is allowed (advisory only, listed).
 */
import { readStackConfig, programConfig } from "../plan/stackConfig";
import { runPolicies } from "../policy/runner";
import type { EngineRecord, RegisteredResource } from "../plan/engineDouble";
import { ProgramRun, runPrograms } from "./helpers/program";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const STACKS = ["dev", "max", "secure", "classroom"];
const runs = new Map<string, ProgramRun>();

// Every scenario's stack file read as the CLI reads it (Pulumi.<stack>.yaml over Pulumi.yaml), run
// one after another in one module registry.
beforeAll(async () => {
    const configs = STACKS.map((stack) => programConfig(readStackConfig(ROOT, stack)).config);
    (await runPrograms(configs)).forEach((run, index) => runs.set(STACKS[index], run));
});

async function runStack(stack: string): Promise<ProgramRun> {
    return runs.get(stack) as ProgramRun;
}

const ofType = (record: EngineRecord, type: string): RegisteredResource[] =>
    record.resources.filter((r) => r.type === type);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const props = (resource: RegisteredResource): any => resource.inputs;
const findings = (record: EngineRecord) =>
    runPolicies(record.resources.filter((r) => r.custom)).map((f) => `${f.enforcementLevel} ${f.policyName} ${f.name}`);

const COMPUTE = "azure-native:machinelearningservices:Compute";
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILPegZeQtfm2vV2nNwsM2nfSt2zAQyRhpxVOjj3iQs/O learner@dp100-lab";

describe("defaults: the lab (Pulumi.dev.yaml)", () => {
    test("one compute instance, no cluster, no classroom, no network isolation; all policies pass", async () => {
        const { record } = await runStack("dev");
        expect(ofType(record, COMPUTE).map((c) => props(c).properties.computeType)).toEqual(["ComputeInstance"]);
        expect(ofType(record, "azure-native:network:PrivateEndpoint")).toEqual([]);
        expect(ofType(record, "azure-native:authorization:RoleAssignment")).toEqual([]);
        expect(findings(record)).toEqual([]);
    });
});

describe("max: every option that can go together (Pulumi.max.yaml)", () => {
    let record: EngineRecord;
    beforeAll(async () => {
        record = (await runStack("max")).record;
    });

    test("the compute instance is assigned, scripted, reachable by SSH and scheduled", () => {
        const instance = ofType(record, COMPUTE).find((c) => c.name === "lab-compute-instance") as RegisteredResource;
        const settings = props(instance).properties.properties;
        expect(settings.vmSize).toBe("Standard_DS12_v2");
        expect(settings.idleTimeBeforeShutdown).toBe("PT30M");
        expect(settings.personalComputeInstanceSettings).toEqual({
            assignedUser: { objectId: "4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b", tenantId: "00000000-0000-0000-0000-00000000000a" },
        });
        expect(settings.sshSettings).toEqual({ sshPublicAccess: "Enabled", adminPublicKey: SSH_KEY });
        expect(settings.setupScripts.scripts.creationScript.scriptSource).toBe("inline");
        expect(settings.schedules.computeStartStop).toHaveLength(2);
    });

    test("the pipeline job runs on the cluster, which scales from zero on low-priority nodes", () => {
        const cluster = ofType(record, COMPUTE).find((c) => props(c).properties.computeType === "AmlCompute") as RegisteredResource;
        expect(props(cluster).computeName).toBe("cpu-cluster");
        expect(props(cluster).properties.properties.scaleSettings).toEqual({ minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT5M" });
        expect(props(cluster).properties.properties.vmPriority).toBe("LowPriority");
        const job = ofType(record, "azure-native:resources:Resource")[0];
        expect(props(job).properties.settings.default_compute).toBe(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dp100-max/providers/Microsoft.MachineLearningServices/workspaces/mlw-dp100-max/computes/cpu-cluster",
        );
    });

    test("managed network, diagnostics, tags, learners with their roles", () => {
        const workspace = ofType(record, "azure-native:machinelearningservices:Workspace")[0];
        // enableNetworkMonitor: azure-native's default for the managed network.
        expect(props(workspace).managedNetwork).toEqual({ isolationMode: "AllowInternetOutbound", enableNetworkMonitor: false });
        expect(props(workspace).tags).toEqual({ course: "dp-100", owner: "ml-platform" });
        expect(ofType(record, "azure-native:monitor:DiagnosticSetting")).toHaveLength(1);
        expect(ofType(record, "azure-native:authorization:RoleAssignment").map((r) => props(r).principalId).sort())
            .toEqual(["0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", "6f1d2c3b-4a59-4e8f-9d7c-1b2a3c4d5e6f"]);
    });

    test("outputs list the cluster and who got which instance", () => {
        const outputs = runs.get("max")?.outputs as Record<string, unknown>;
        expect(outputs.computeClusterName).toBe("cpu-cluster");
        expect((outputs.classroomAssignments as Array<{ displayName: string }>).map((a) => a.displayName)).toEqual(["Ana Souza", "Kenji Watanabe"]);
    });

    test("policies: only the advisory SSH warning, which this stack opts into on purpose", () => {
        expect(findings(record)).toEqual(["advisory compute-instance-no-public-ssh lab-compute-instance"]);
    });
});

describe("secure: private, keys, no public access (Pulumi.secure.yaml)", () => {
    let record: EngineRecord;
    beforeAll(async () => {
        record = (await runStack("secure")).record;
    });

    test("workspace public access off, private endpoints for workspace, blob, file and vault", () => {
        const workspace = props(ofType(record, "azure-native:machinelearningservices:Workspace")[0]);
        expect(workspace.publicNetworkAccess).toBe("Disabled");
        expect(ofType(record, "azure-native:network:PrivateEndpoint").map((e) => e.name).sort())
            .toEqual(["lab-ml-pe-blob", "lab-ml-pe-file", "lab-ml-pe-vault", "lab-ml-pe-workspace"]);
    });

    test("customer-managed key from the given vault, and the stack's vault purge-protected", () => {
        const workspace = props(ofType(record, "azure-native:machinelearningservices:Workspace")[0]);
        expect(workspace.encryption.status).toBe("Enabled");
        expect(workspace.encryption.keyVaultProperties.keyIdentifier).toBe("https://kv-ml-cmk.vault.azure.net/keys/mlw-dp100-secure");
        expect(props(ofType(record, "azure-native:keyvault:Vault")[0]).properties.enablePurgeProtection).toBe(true);
    });

    test("storage denies the internet except the deploying machine; the compute instance has no public IP", () => {
        const storage = props(ofType(record, "azure-native:storage:StorageAccount")[0]);
        expect(storage.networkRuleSet.defaultAction).toBe("Deny");
        expect(storage.networkRuleSet.ipRules).toEqual([{ iPAddressOrRange: "203.0.113.7", action: "Allow" }]);
        const instance = props(ofType(record, COMPUTE)[0]).properties.properties;
        expect(instance.enableNodePublicIp).toBe(false);
        expect(instance.subnet.id).toMatch(/\/subnets\/snet-compute$/);
    });

    test("policies: all pass", () => {
        expect(findings(record)).toEqual([]);
    });
});

describe("classroom: one shared workspace, an instance and a role per learner (Pulumi.classroom.yaml)", () => {
    let record: EngineRecord;
    beforeAll(async () => {
        record = (await runStack("classroom")).record;
    });

    test("three learners: three assigned instances with idle shutdown, three AzureML Data Scientist roles", () => {
        const learnerInstances = ofType(record, COMPUTE).filter((c) => c.name.startsWith("lab-classroom-"));
        expect(learnerInstances.map((c) => props(c).properties.properties.personalComputeInstanceSettings.assignedUser.objectId).sort())
            .toEqual(["0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d", "5e4d3c2b-1a09-4f8e-a7d6-c5b4a3928170", "6f1d2c3b-4a59-4e8f-9d7c-1b2a3c4d5e6f"]);
        for (const instance of learnerInstances) {
            expect(props(instance).properties.properties.idleTimeBeforeShutdown).toBe("PT30M");
        }
        const roles = ofType(record, "azure-native:authorization:RoleAssignment");
        expect(roles).toHaveLength(3);
        for (const role of roles) {
            expect(props(role).roleDefinitionId).toBe(
                "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121",
            );
            expect(props(role).principalType).toBe("User");
        }
    });

    test("outputs say who got what", () => {
        const assignments = runs.get("classroom")?.outputs.classroomAssignments as Array<{ displayName: string; computeInstanceName: string }>;
        expect(assignments.map((a) => a.displayName)).toEqual(["Ana Souza", "Kenji Watanabe", "Léa Martin"]);
        expect(new Set(assignments.map((a) => a.computeInstanceName)).size).toBe(3);
    });

    test("policies: all pass", () => {
        expect(findings(record)).toEqual([]);
    });
});
