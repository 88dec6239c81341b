/**
 * ComputeCluster as the engine receives it: an AmlCompute that costs nothing idle with its remote
 * login port closed, each option on exactly its own property, immutable settings replaced, and bad
 * arguments refused with one ResourceError before any child.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ComputeCluster,
    ComputeClusterArgs,
    COMPUTE_CLUSTER_DEFAULTS,
    COMPUTE_CLUSTER_NAME_RULE,
} from "../components/computeCluster";
import { EngineRecord, installEngineDouble, RegisteredResource } from "../plan/engineDouble";
import { promiseOf } from "./helpers/program";
import { errorOf } from "./helpers/errors";

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({ project: "components", stack: "test", config: {} });
});

const base: ComputeClusterArgs = {
    resourceGroupName: "rg",
    workspaceName: "ws",
    location: "westeurope",
    computeClusterName: "cpu-cluster",
};
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKV7D6e1E4jj9YkE1vDrXKpA1oJK/DHC8DUcs4xAKirQ learner@example";
const SUBNET_ID =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-compute";
const WORKSPACE_ID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

/** What the defaults send. */
const DEFAULT_SETTINGS = {
    vmSize: "Standard_DS11_v2",
    vmPriority: "Dedicated",
    scaleSettings: { minNodeCount: 0, maxNodeCount: 2, nodeIdleTimeBeforeScaleDown: "PT2M" },
    remoteLoginPortPublicAccess: "Disabled",
};

let counter = 0;
async function build(override: Partial<ComputeClusterArgs>): Promise<{ cluster: ComputeCluster; compute: RegisteredResource }> {
    const name = `cc${++counter}`;
    const cluster = new ComputeCluster(name, { ...base, ...override });
    await promiseOf(cluster.computeId);
    const compute = record.resources.find((r) => r.name === `${name}-cluster`);
    if (!compute) {
        throw new Error(`${name}-cluster was not registered`);
    }
    return { cluster, compute };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const settingsOf = (compute: RegisteredResource): Record<string, any> => (compute.inputs as any).properties.properties;

describe("defaults", () => {
    test("Standard_DS11_v2, dedicated, 0 to 2 nodes, scale down after 2 minutes, remote login closed", async () => {
        const { compute } = await build({});
        expect(compute.type).toBe("azure-native:machinelearningservices:Compute");
        expect(compute.inputs).toEqual({
            resourceGroupName: "rg",
            workspaceName: "ws",
            computeName: "cpu-cluster",
            location: "westeurope",
            properties: { computeType: "AmlCompute", properties: DEFAULT_SETTINGS },
        });
        for (const absent of ["userAccountCredentials", "subnet", "enableNodePublicIp", "osType", "virtualMachineImage", "isolatedNetwork"]) {
            expect([absent, settingsOf(compute)[absent]]).toEqual([absent, undefined]);
        }
        expect(compute.inputs).not.toHaveProperty("identity");
    });

    test("only the settings Azure cannot update replace the cluster (old one first: the name is fixed)", async () => {
        const { compute } = await build({});
        expect(compute.options).toEqual({
            replaceOnChanges: [
                "properties.properties.vmSize",
                "properties.properties.vmPriority",
                "properties.properties.subnet",
                "properties.properties.enableNodePublicIp",
                "properties.properties.remoteLoginPortPublicAccess",
                "properties.properties.userAccountCredentials",
            ],
            deleteBeforeReplace: true,
            customTimeouts: { create: "30m", update: "30m", delete: "30m" },
        });
        expect(compute.options.replaceOnChanges?.some((path) => path.includes("scaleSettings"))).toBe(false);
    });

    test("outputs: the cluster name and its ARM id, parented to the component", async () => {
        const { cluster, compute } = await build({ computeClusterName: "gpu-2" });
        expect(await promiseOf(cluster.computeClusterName)).toBe("gpu-2");
        expect(await promiseOf(cluster.computeId)).toBe(`${WORKSPACE_ID}/computes/gpu-2`);
        const parent = record.resources.find((r) => r.urn === compute.parent);
        expect(parent?.type).toBe("mllab:index:ComputeCluster");
        expect(parent?.custom).toBe(false);
    });

    test("the defaults object", () => {
        expect(COMPUTE_CLUSTER_DEFAULTS).toEqual({
            vmSize: "Standard_DS11_v2",
            minNodes: 0,
            maxNodes: 2,
            idleTimeBeforeScaleDown: "PT2M",
            lowPriority: false,
            disableNodePublicIp: false,
            sshAdminUserName: "azureuser",
        });
    });
});

describe("each option changes exactly its own property", () => {
    test("size and scale settings", async () => {
        const { compute } = await build({ vmSize: "Standard_NC6s_v3", minNodes: 1, maxNodes: 4, idleTimeBeforeScaleDown: "PT30M" });
        expect(settingsOf(compute)).toEqual({
            ...DEFAULT_SETTINGS,
            vmSize: "Standard_NC6s_v3",
            scaleSettings: { minNodeCount: 1, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: "PT30M" },
        });
    });

    test("low priority", async () => {
        expect(settingsOf((await build({ lowPriority: true })).compute)).toEqual({ ...DEFAULT_SETTINGS, vmPriority: "LowPriority" });
    });

    test("an SSH key opens the remote login port for azureuser with that key", async () => {
        expect(settingsOf((await build({ sshPublicKey: ` ${SSH_KEY}\n` })).compute)).toEqual({
            ...DEFAULT_SETTINGS,
            remoteLoginPortPublicAccess: "Enabled",
            userAccountCredentials: { adminUserName: "azureuser", adminUserSshPublicKey: SSH_KEY },
        });
    });

    test("subnet, and no public node IP on request", async () => {
        expect(settingsOf((await build({ subnetId: SUBNET_ID })).compute)).toEqual({ ...DEFAULT_SETTINGS, subnet: { id: SUBNET_ID } });
        expect(settingsOf((await build({ subnetId: pulumi.output(SUBNET_ID), disableNodePublicIp: true })).compute)).toEqual({
            ...DEFAULT_SETTINGS,
            subnet: { id: SUBNET_ID },
            enableNodePublicIp: false,
        });
    });

    test("minNodes may equal maxNodes", async () => {
        expect(settingsOf((await build({ minNodes: 2 })).compute).scaleSettings).toEqual({
            minNodeCount: 2, maxNodeCount: 2, nodeIdleTimeBeforeScaleDown: "PT2M",
        });
    });
});

describe("the cluster name rule", () => {
    test.each(["abc", "cpu-cluster", "A1b", "x".repeat(32), "gpu-cluster-01"])("%j is valid", (name) => {
        expect(COMPUTE_CLUSTER_NAME_RULE.pattern.test(name)).toBe(true);
    });
    test.each(["1cpu", "cpu-", "cpu_cluster", "x".repeat(33), "ab", "-cpu"])("%j is not", (name) => {
        expect(COMPUTE_CLUSTER_NAME_RULE.pattern.test(name)).toBe(false);
    });
});


describe("bad arguments fail with one ResourceError and no child", () => {
    test.each<[string, Partial<ComputeClusterArgs>, string]>([
        ["name", { computeClusterName: "cpu_cluster" },
            `ComputeCluster: computeClusterName "cpu_cluster" is not a valid compute cluster name: 3-32 letters, digits and '-', starting with a letter, ending with a letter or digit.`],
        ["vm size", { vmSize: "DS11" }, 'ComputeCluster: vmSize "DS11" must be an Azure VM size name such as Standard_DS11_v2.'],
        ["max nodes zero", { maxNodes: 0 }, "ComputeCluster: maxNodes 0 must be a whole number from 1 to 100."],
        ["max nodes over the ceiling", { maxNodes: 101 }, "ComputeCluster: maxNodes 101 must be a whole number from 1 to 100."],
        ["min nodes above max", { minNodes: 3, maxNodes: 2 }, "ComputeCluster: minNodes 3 must be a whole number from 0 to maxNodes (2)."],
        ["min nodes above the default max", { minNodes: 3 }, "ComputeCluster: minNodes 3 must be a whole number from 0 to maxNodes (2)."],
        ["min nodes negative", { minNodes: -1 }, "ComputeCluster: minNodes -1 must be a whole number from 0 to maxNodes (2)."],
        ["fractional nodes", { minNodes: 0.5 }, "ComputeCluster: minNodes 0.5 must be a whole number from 0 to maxNodes (2)."],
        ["idle time format", { idleTimeBeforeScaleDown: "120" },
            'ComputeCluster: idleTimeBeforeScaleDown "120" must be an ISO 8601 duration longer than zero, such as PT2M or PT30M.'],
        ["idle time zero", { idleTimeBeforeScaleDown: "PT0S" },
            'ComputeCluster: idleTimeBeforeScaleDown "PT0S" must be an ISO 8601 duration longer than zero, such as PT2M or PT30M.'],
        ["ssh key", { sshPublicKey: "abc" },
            'ComputeCluster: sshPublicKey "abc" must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*).'],
        ["private key instead of public", { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----" },
            "ComputeCluster: sshPublicKey holds a private key (it says PRIVATE KEY), which must stay secret: give the public key (the .pub file) instead."],
        ["subnet", { subnetId: WORKSPACE_ID },
            `ComputeCluster: subnetId ${JSON.stringify(WORKSPACE_ID)} must be a subnet's ARM resource id (/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>).`],
    ])("%s", async (what, override, message) => {
        const before = record.resources.length;
        const error = errorOf(() => new ComputeCluster(`bad-${what.replace(/ /g, "-")}`, { ...base, ...override }));
        expect(error).toEqual({ message, isResourceError: true });
        // Registration is asynchronous: give it time, then nothing but the component itself is there.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(record.resources.slice(before).map((r) => r.type).filter((type) => type !== "mllab:index:ComputeCluster")).toEqual([]);
    });
});
