/**
 * Purge on destroy: the provider's methods against a fake ARM over HTTPS, and the ordering the stack
 * registers (workspace retained, purge after the workspace, contents after the purge).
 */
import type { TokenCredential } from "@azure/identity";
import { workspacePurgeProvider } from "../components/workspacePurge";
import { accepted, armError, FakeArm, operation } from "./arm/fakeArm";
import { BASE_CONFIG, ProgramRun, runProgram, runPrograms, single } from "./helpers/program";

const SUB = "00000000-0000-0000-0000-000000000000";
const WS_PATH = `/subscriptions/${SUB}/resourceGroups/rg-dp100-labs/providers/Microsoft.MachineLearningServices/workspaces/mlw-dp100-labs`;
const OP_PATH = "/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/purge-1";
const INPUTS = {
    subscriptionId: SUB,
    resourceGroupName: "rg-dp100-labs",
    workspaceName: "mlw-dp100-labs",
    immutableWorkspaceSettings: { storageAccount: "/sa/1", keyVault: "/kv/1" },
};
const PURGE_TYPE = "pulumi-nodejs:dynamic/mllab:WorkspacePurge";

describe("the purge provider", () => {
    let fake: FakeArm;
    const credential: TokenCredential = {
        getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    beforeAll(async () => {
        fake = await FakeArm.start();
    });
    afterAll(async () => {
        await fake.close();
    });
    beforeEach(() => fake.reset());

    const provider = () => workspacePurgeProvider({
        endpoint: fake.endpoint,
        ca: fake.ca,
        credential,
        pollIntervalMs: 5,
        retryDelayMs: 5,
        maxRetryDelayMs: 10,
        timeoutMs: 2000,
    });

    test("create touches nothing in Azure and keeps the workspace's identity", async () => {
        const result = await provider().create!(INPUTS);
        expect(result).toEqual({ id: `${WS_PATH}#purge-on-destroy`, outs: INPUTS });
        expect(fake.sequence()).toEqual([]);
    });

    test("delete purges the workspace and waits for Azure's operation", async () => {
        fake.on("DELETE", WS_PATH, accepted({ asyncOperation: fake.url(OP_PATH), retryAfterSeconds: 0 }))
            .on("GET", OP_PATH, operation("InProgress", { retryAfterSeconds: 0 }), operation("Succeeded"));
        await provider().delete!(`${WS_PATH}#purge-on-destroy`, INPUTS);
        expect(fake.sequence()).toEqual([`DELETE ${WS_PATH}`, `GET ${OP_PATH}`, `GET ${OP_PATH}`]);
        expect(fake.requests[0].query).toEqual({ "api-version": "2025-12-01", forceToPurge: "true" });
    });

    test("delete of a workspace that is already gone succeeds", async () => {
        fake.on("DELETE", WS_PATH, armError(404, "ResourceNotFound", "not found"));
        await expect(provider().delete!("id", INPUTS)).resolves.toBeUndefined();
        expect(fake.sequence()).toEqual([`DELETE ${WS_PATH}`]);
    });

    test("a refused purge fails the destroy, so the resource stays and the next destroy retries", async () => {
        fake.on("DELETE", WS_PATH, armError(403, "AuthorizationFailed", "no permission to delete"));
        await expect(provider().delete!("id", INPUTS)).rejects.toThrow(/403/);
    });

    test("diff: nothing changed means no change", async () => {
        expect(await provider().diff!("id", INPUTS, INPUTS)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    });

    test("diff: another workspace or new storage replaces the purge first, so the old workspace is purged", async () => {
        const moved = { ...INPUTS, immutableWorkspaceSettings: { storageAccount: "/sa/2", keyVault: "/kv/1" } };
        expect(await provider().diff!("id", INPUTS, moved)).toEqual({
            changes: true,
            replaces: ["immutableWorkspaceSettings"],
            deleteBeforeReplace: true,
        });
        const renamed = { ...INPUTS, workspaceName: "mlw-other" };
        expect((await provider().diff!("id", INPUTS, renamed)).replaces).toEqual(["workspaceName"]);
    });

    test("check names each missing identity field", async () => {
        const result = await provider().check!({}, { ...INPUTS, workspaceName: "", subscriptionId: undefined });
        expect(result.failures).toEqual([
            { property: "subscriptionId", reason: "subscriptionId must be a non-empty string" },
            { property: "workspaceName", reason: "workspaceName must be a non-empty string" },
        ]);
    });
});

describe("the lab's destroy ordering", () => {
    let noPurge: ProgramRun;
    let protectedLab: ProgramRun;
    beforeAll(async () => {
        [noPurge, protectedLab] = await runPrograms([
            { ...BASE_CONFIG, "dp100-lab:purgeOnDestroy": "false" },
            { ...BASE_CONFIG, "dp100-lab:protect": "true" },
        ]);
    });

    test("workspace retained, purge depends on it, compute depends on the purge", async () => {
        // The real closure serializer, as pulumi up runs it: the provider's code must serialize.
        const { record } = await runProgram(BASE_CONFIG, { serializeDynamicProviders: true });
        const workspace = single(record, "azure-native:machinelearningservices:Workspace");
        const purge = single(record, PURGE_TYPE);
        const compute = single(record, "azure-native:machinelearningservices:Compute");
        expect(workspace.options.retainOnDelete).toBe(true);
        expect(workspace.options.protect).toBeUndefined();
        expect(purge.dependencies).toContain(workspace.urn);
        expect(compute.dependencies).toContain(purge.urn);
        expect(purge.options).toEqual({ customTimeouts: { delete: "65m" } });
        const { __provider, ...inputs } = purge.inputs;
        // The serialized provider carries the ARM client with it (it requires its SDKs when it runs).
        expect(__provider).toEqual(expect.stringContaining("forceToPurge"));
        expect(__provider).toEqual(expect.stringContaining('require("@azure/core-rest-pipeline")'));
        expect(inputs).toEqual({
            subscriptionId: SUB,
            resourceGroupName: "rg-dp100-labs",
            workspaceName: "mlw-dp100-labs",
            immutableWorkspaceSettings: {
                storageAccount: `/subscriptions/${SUB}/resourceGroups/rg-dp100-labs/providers/Microsoft.Storage/storageAccounts/stmlwdp100labsxxx7k2`,
                keyVault: `/subscriptions/${SUB}/resourceGroups/rg-dp100-labs/providers/Microsoft.KeyVault/vaults/kv-mlw-dp100-labs-xxx7k2`,
            },
        });
    });

    test("purgeOnDestroy false: no purge resource, the workspace is deleted normally", () => {
        const { record } = noPurge;
        expect(record.resources.filter((r) => r.type === PURGE_TYPE)).toEqual([]);
        const workspace = single(record, "azure-native:machinelearningservices:Workspace");
        expect(workspace.options.retainOnDelete).toBeUndefined();
        expect(single(record, "azure-native:machinelearningservices:Compute").dependencies).toContain(workspace.urn);
    });

    test("protect: workspace, storage and key vault protected, and no purge", () => {
        const { record } = protectedLab;
        const protectedTypes = record.resources.filter((r) => r.options.protect).map((r) => r.type).sort();
        expect(protectedTypes).toEqual([
            "azure-native:keyvault:Vault",
            "azure-native:machinelearningservices:Workspace",
            "azure-native:storage:StorageAccount",
        ]);
        expect(record.resources.filter((r) => r.type === PURGE_TYPE)).toEqual([]);
        expect(single(record, "azure-native:machinelearningservices:Workspace").options.retainOnDelete).toBeUndefined();
    });
});
