/**
 * MlWorkspace's options, built directly under the engine double (one runtime for the file): exactly
 * what each option registers, what stays absent without it, and the full text of every refusal.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ManagedNetworkIsolationMode,
    MlWorkspace,
    MlWorkspaceArgs,
    mlWorkspaceArgsProblem,
    WorkspaceLockLevel,
} from "../components/mlWorkspace";
import { purgeProtectionMessage, unverifiedVaultMessage, verifiedEncryption } from "../components/workspace/customerManagedKey";
import { isStorageIpRule, parseKeyUri, parseSubnetId } from "../components/workspace/rules";
import {
    DEFAULT_INVOKE_ANSWERS,
    EngineRecord,
    FAKE_SUBSCRIPTION_ID,
    installEngineDouble,
    RegisteredResource,
} from "../plan/engineDouble";
import { errorOf } from "./helpers/errors";

const T = {
    component: "mllab:index:MlWorkspace",
    storage: "azure-native:storage:StorageAccount",
    vault: "azure-native:keyvault:Vault",
    logs: "azure-native:operationalinsights:Workspace",
    insights: "azure-native:applicationinsights:Component",
    workspace: "azure-native:machinelearningservices:Workspace",
    endpoint: "azure-native:network:PrivateEndpoint",
    zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
    zone: "azure-native:privatedns:PrivateZone",
    link: "azure-native:privatedns:VirtualNetworkLink",
    diagnostics: "azure-native:monitor:DiagnosticSetting",
    lock: "azure-native:authorization:ManagementLockByScope",
    suffix: "random:index/randomString:RandomString",
    purge: "pulumi-nodejs:dynamic/mllab:WorkspacePurge",
} as const;

const SUFFIX = "xxx7k2"; // the engine double's RandomString result for length 6
const RG = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg`;
const VNET = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml";
const SUBNET = `${VNET}/subnets/snet-pe`;
const PROTECTED_VAULT = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-cmk-protected`;
const OPEN_VAULT = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-cmk-open`;
const FOREIGN_VAULT = "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-cmk-elsewhere";
const KEY_VERSION = "0123456789abcdef0123456789abcdef";
const PROTECTED_KEY = `https://kv-cmk-protected.vault.azure.net/keys/cmk/${KEY_VERSION}`;
const IDENTITY = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg-keys/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cmk`;
const TAGS = { project: "dp100", owner: "ml-team" };
const TENANT = "00000000-0000-0000-0000-00000000000a"; // the engine double's getClientConfig tenant
const workspaceId = (name: string) => `${RG}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;

// The first build loads azure-native's modules; on a loaded 2-core machine that can take seconds.
jest.setTimeout(30_000);

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({
        project: "components",
        stack: "test",
        config: {},
        invokeAnswers: {
            ...DEFAULT_INVOKE_ANSWERS,
            // Two vaults of the caller's: one with purge protection, one without.
            "azure-native:keyvault:getVault": (inputs) => ({
                id: `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`,
                name: inputs.vaultName,
                properties: inputs.vaultName === "kv-cmk-protected"
                    ? { enablePurgeProtection: true, enableSoftDelete: true }
                    : { enableSoftDelete: true },
            }),
        },
    });
});

const base = (workspaceName: string): MlWorkspaceArgs => ({ resourceGroupName: "rg", location: "westeurope", workspaceName });

/**
 * Waits until the program has stopped registering: every resource holds an RPC open from construction
 * until its registration is done, and Pulumi's runtime waits for those (`waitForRPCs`, exported by the
 * runtime's settings module but left out of its typings); then until the record stops growing.
 */
async function settle(): Promise<void> {
    const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
    await runtime.waitForRPCs?.();
    let seen = -1;
    while (seen !== record.resources.length) {
        seen = record.resources.length;
        await new Promise((resolve) => setTimeout(resolve, 30));
    }
}

/** The value of an Output, awaited (an `expect` inside `apply` can pass without running). */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** One built component: the component, its registered resources, and lookups. */
interface Built {
    readonly component: MlWorkspace;
    readonly resources: RegisteredResource[];
    one(type: string): RegisteredResource;
    all(type: string): RegisteredResource[];
    byName(name: string): RegisteredResource;
}

async function build(name: string, args: MlWorkspaceArgs): Promise<Built> {
    const component = new MlWorkspace(name, args);
    await settle();
    const resources = record.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
    const all = (type: string) => resources.filter((r) => r.type === type);
    return {
        component,
        resources,
        all,
        one: (type) => {
            const found = all(type);
            if (found.length !== 1) {
                throw new Error(`expected one ${type} in ${name}, found ${found.length}`);
            }
            return found[0];
        },
        byName: (logical) => {
            const found = resources.find((r) => r.name === logical);
            if (!found) {
                throw new Error(`no resource ${logical}`);
            }
            return found;
        },
    };
}


// eslint-disable-next-line @typescript-eslint/no-explicit-any
const inputsOf = (resource: RegisteredResource) => resource.inputs as Record<string, any>;

describe("without the new options", () => {
    let built: Built;
    beforeAll(async () => {
        built = await build("plain", base("mlw-plain"));
    });

    test("makes the same seven resources as before, and nothing network, encryption, diagnostics or lock", () => {
        expect(built.resources.map((r) => r.type).sort()).toEqual([
            T.insights, T.vault, T.workspace, T.logs, T.storage, T.component, T.suffix,
        ].sort());
    });

    test("the workspace, storage account and key vault keep their public network defaults", () => {
        const workspace = inputsOf(built.one(T.workspace));
        for (const absent of ["publicNetworkAccess", "managedNetwork", "encryption"]) {
            expect([absent, workspace[absent]]).toEqual([absent, undefined]);
        }
        expect(workspace.identity).toEqual({ type: "SystemAssigned" });
        expect(inputsOf(built.one(T.storage))).not.toHaveProperty("publicNetworkAccess");
        expect(inputsOf(built.one(T.storage))).not.toHaveProperty("networkRuleSet");
        expect(inputsOf(built.one(T.vault)).properties).not.toHaveProperty("networkAcls");
        expect(built.one(T.workspace).options.replaceOnChanges).toEqual(["storageAccount", "keyVault"]);
    });

    test("storage is open to uploads, there is no private endpoint, and the principal id comes from the identity", async () => {
        expect(built.component.storagePublicNetworkAccess).toBe(true);
        expect(built.component.workspacePrivateEndpointId).toBeUndefined();
        // The double echoes inputs and Azure alone knows the principal id: empty here, never in Azure.
        expect(await promiseOf(built.component.workspacePrincipalId)).toBe("");
    });
});

describe("privateEndpointSubnetId: private endpoints into your subnet", () => {
    let built: Built;
    const ws = "mlw-private";
    beforeAll(async () => {
        built = await build("private", { ...base(ws), privateEndpointSubnetId: SUBNET, tags: TAGS });
    });

    test("the workspace's public network access is off, and no managed network", () => {
        const workspace = inputsOf(built.one(T.workspace));
        expect(workspace.publicNetworkAccess).toBe("Disabled");
        expect(workspace).not.toHaveProperty("managedNetwork");
    });

    test("the storage account admits no internet traffic: a deny-all firewall that lets trusted services and this workspace through", () => {
        const account = inputsOf(built.one(T.storage));
        expect(account.publicNetworkAccess).toBe("Enabled");
        expect(account.networkRuleSet).toEqual({
            defaultAction: "Deny",
            bypass: "AzureServices",
            resourceAccessRules: [{ tenantId: TENANT, resourceId: workspaceId(ws) }],
        });
        expect(built.component.storagePublicNetworkAccess).toBe(false);
    });

    test("the key vault gets a deny-all firewall that lets trusted services (Azure ML among them) through", () => {
        const properties = inputsOf(built.one(T.vault)).properties;
        expect(properties.networkAcls).toEqual({ defaultAction: "Deny", bypass: "AzureServices" });
        // Public network access stays on (azure-native's default): the firewall is what closes the vault.
        expect(properties.publicNetworkAccess).toBe("enabled");
    });

    test("five global private DNS zones, each linked to the subnet's virtual network", () => {
        const zones = built.all(T.zone).map(inputsOf);
        expect(zones).toEqual(["api.azureml.ms", "notebooks.azure.net", "blob.core.windows.net", "file.core.windows.net", "vaultcore.azure.net"]
            .map((zone) => ({ resourceGroupName: "rg", privateZoneName: `privatelink.${zone}`, location: "global", tags: TAGS })));
        const links = built.all(T.link);
        expect(links.map(inputsOf)).toEqual(zones.map((zone) => ({
            resourceGroupName: "rg",
            privateZoneName: zone.privateZoneName,
            virtualNetworkLinkName: `link-${ws}`,
            location: "global",
            virtualNetwork: { id: VNET },
            registrationEnabled: false,
            tags: TAGS,
        })));
        for (const link of links) {
            const zone = built.byName(link.name.replace(/-link$/, ""));
            expect(link.dependencies).toContain(zone.urn);
        }
    });

    test("four private endpoints in the subnet: workspace, blob, file, vault", () => {
        const target = {
            workspace: workspaceId(ws),
            blob: `${RG}/providers/Microsoft.Storage/storageAccounts/stmlwprivate${SUFFIX}`,
            file: `${RG}/providers/Microsoft.Storage/storageAccounts/stmlwprivate${SUFFIX}`,
            vault: `${RG}/providers/Microsoft.KeyVault/vaults/kv-mlw-private-${SUFFIX}`,
        };
        const groups = { workspace: "amlworkspace", blob: "blob", file: "file", vault: "vault" };
        for (const role of ["workspace", "blob", "file", "vault"] as const) {
            const endpointName = `pe-${ws}-${groups[role]}`;
            expect([role, inputsOf(built.byName(`private-pe-${role}`))]).toEqual([role, {
                resourceGroupName: "rg",
                location: "westeurope",
                privateEndpointName: endpointName,
                // azure-native's defaults for a subnet reference; Azure reads only the id.
                subnet: { id: SUBNET, privateEndpointNetworkPolicies: "Disabled", privateLinkServiceNetworkPolicies: "Enabled" },
                privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: target[role], groupIds: [groups[role]] }],
                tags: TAGS,
            }]);
        }
    });

    test("each endpoint registers its address in its zones through a zone group", () => {
        const zoneId = (key: string) => `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg/providers/fake/PrivateZone/private-dns-${key}`;
        const expected = {
            workspace: [["privatelink-api-azureml-ms", "api"], ["privatelink-notebooks-azure-net", "notebooks"]],
            blob: [["privatelink-blob-core-windows-net", "blob"]],
            file: [["privatelink-file-core-windows-net", "file"]],
            vault: [["privatelink-vaultcore-azure-net", "vault"]],
        };
        for (const [role, configs] of Object.entries(expected)) {
            const group = built.byName(`private-pe-${role}-dns`);
            expect(inputsOf(group)).toEqual({
                resourceGroupName: "rg",
                privateEndpointName: inputsOf(built.byName(`private-pe-${role}`)).privateEndpointName,
                privateDnsZoneGroupName: "default",
                privateDnsZoneConfigs: configs.map(([configName, key]) => ({ name: configName, privateDnsZoneId: zoneId(key) })),
            });
            expect(group.dependencies).toContain(built.byName(`private-pe-${role}`).urn);
        }
    });

    test("the workspace endpoint follows the workspace; the file endpoint waits for the blob one (same account)", () => {
        expect(built.byName("private-pe-workspace").dependencies).toContain(built.one(T.workspace).urn);
        expect(built.byName("private-pe-file").dependencies).toContain(built.byName("private-pe-blob").urn);
        expect(built.byName("private-pe-blob").dependencies).toContain(built.one(T.storage).urn);
        expect(built.byName("private-pe-vault").dependencies).toContain(built.one(T.vault).urn);
    });

    test("workspacePrivateEndpointId is the workspace endpoint's id", async () => {
        expect(await promiseOf(built.component.workspacePrivateEndpointId as pulumi.Output<string>))
            .toBe(`/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg/providers/fake/PrivateEndpoint/private-pe-workspace`);
    });

    test("every child's parent is the component", () => {
        const component = built.one(T.component);
        for (const child of built.resources.filter((r) => r !== component)) {
            expect([child.name, child.parent]).toEqual([child.name, component.urn]);
        }
    });
});

describe("with purge on destroy, the workspace endpoint follows the purge", () => {
    test("so that on destroy it goes before the workspace is purged", async () => {
        const built = await build("private-purged", { ...base("mlw-private-purged"), privateEndpointSubnetId: SUBNET, purgeOnDestroy: true });
        expect(built.byName("private-purged-pe-workspace").dependencies).toContain(built.one(T.purge).urn);
    });
});

describe("storageAllowedIpRanges: the deploying machine's way in", () => {
    let built: Built;
    beforeAll(async () => {
        built = await build("allowed", {
            ...base("mlw-allowed"),
            privateEndpointSubnetId: pulumi.output(SUBNET),
            storageAllowedIpRanges: ["203.0.113.7", "198.51.100.0/24"],
        });
    });

    test("the storage firewall lets those ranges through too", () => {
        const account = inputsOf(built.one(T.storage));
        expect(account.publicNetworkAccess).toBe("Enabled");
        expect(account.networkRuleSet).toEqual({
            defaultAction: "Deny",
            bypass: "AzureServices",
            resourceAccessRules: [{ tenantId: TENANT, resourceId: workspaceId("mlw-allowed") }],
            ipRules: [
                { iPAddressOrRange: "203.0.113.7", action: "Allow" },
                { iPAddressOrRange: "198.51.100.0/24", action: "Allow" },
            ],
        });
        expect(built.component.storagePublicNetworkAccess).toBe(true);
    });

    test("the key vault and the workspace stay closed", () => {
        expect(inputsOf(built.one(T.vault)).properties.networkAcls).toEqual({ defaultAction: "Deny", bypass: "AzureServices" });
        expect(inputsOf(built.one(T.workspace)).publicNetworkAccess).toBe("Disabled");
    });

    test("a subnet id given as an Output still yields the network for the zone links", () => {
        expect(built.all(T.link).map((link) => inputsOf(link).virtualNetwork)).toEqual(Array(5).fill({ id: VNET }));
        expect(inputsOf(built.byName("allowed-pe-blob")).subnet.id).toBe(SUBNET);
    });
});

describe("managedNetworkIsolationMode: Azure's managed network", () => {
    test.each([ManagedNetworkIsolationMode.AllowInternetOutbound, ManagedNetworkIsolationMode.AllowOnlyApprovedOutbound])(
        "%s sets the isolation mode and nothing else",
        async (mode) => {
            const built = await build(`managed-${mode}`, { ...base(`mlw-${mode.slice(0, 20)}`), managedNetworkIsolationMode: mode });
            const workspace = inputsOf(built.one(T.workspace));
            // enableNetworkMonitor: azure-native's default.
            expect(workspace.managedNetwork).toEqual({ isolationMode: mode, enableNetworkMonitor: false });
            expect(workspace).not.toHaveProperty("publicNetworkAccess");
            expect(inputsOf(built.one(T.storage))).not.toHaveProperty("publicNetworkAccess");
            expect(built.all(T.endpoint)).toEqual([]);
            expect(built.all(T.zone)).toEqual([]);
            expect(built.component.storagePublicNetworkAccess).toBe(true);
            // Irreversible in Azure, but never a replacement: the workspace would lose everything in it.
            expect(built.one(T.workspace).options.replaceOnChanges).toEqual(["storageAccount", "keyVault"]);
        },
    );
});

describe("customer-managed key", () => {
    test("the workspace is encrypted with the key, after the key's vault is read for purge protection", async () => {
        const before = record.invokes.length;
        const built = await build("cmk", {
            ...base("mlw-cmk"),
            customerManagedKeyVaultId: PROTECTED_VAULT,
            customerManagedKeyUri: PROTECTED_KEY,
        });
        const workspace = inputsOf(built.one(T.workspace));
        expect(workspace.encryption).toEqual({
            status: "Enabled",
            keyVaultProperties: { keyVaultArmId: PROTECTED_VAULT, keyIdentifier: PROTECTED_KEY },
        });
        expect(workspace.identity).toEqual({ type: "SystemAssigned" });
        expect(record.invokes.slice(before).filter((i) => i.token === "azure-native:keyvault:getVault").map((i) => i.inputs))
            .toEqual([{ resourceGroupName: "rg-keys", vaultName: "kv-cmk-protected" }]);
        // Another key of the same vault updates in place; another vault needs another workspace.
        expect(built.one(T.workspace).options.replaceOnChanges)
            .toEqual(["storageAccount", "keyVault", "encryption.keyVaultProperties.keyVaultArmId"]);
        // The component's own vault is not the key's: its purge protection stays as asked (off).
        expect(inputsOf(built.one(T.vault)).properties).not.toHaveProperty("enablePurgeProtection");
    });

    test("with a user-assigned identity, the identity is added to the workspace and reads the key", async () => {
        const built = await build("cmk-identity", {
            ...base("mlw-cmk-identity"),
            customerManagedKeyVaultId: PROTECTED_VAULT,
            customerManagedKeyUri: `https://kv-cmk-protected.vault.azure.net/keys/cmk`,
            customerManagedKeyIdentityId: IDENTITY,
        });
        const workspace = inputsOf(built.one(T.workspace));
        expect(workspace.identity).toEqual({ type: "SystemAssigned,UserAssigned", userAssignedIdentities: [IDENTITY] });
        expect(workspace.encryption).toEqual({
            status: "Enabled",
            identity: { userAssignedIdentity: IDENTITY },
            keyVaultProperties: { keyVaultArmId: PROTECTED_VAULT, keyIdentifier: "https://kv-cmk-protected.vault.azure.net/keys/cmk" },
        });
    });

    describe("verifiedEncryption", () => {
        const parent = () => new pulumi.ComponentResource("mllab:index:Probe", `probe-${Math.random().toString(36).slice(2, 8)}`);
        /**
         * The Output's own promise, to see a rejection (Output.apply never runs on one). Its companion
         * promises (known, secret) reject too; handled here, as the workspace's registration does.
         */
        const settled = (output: pulumi.Output<unknown>) => {
            const internals = output as unknown as { promise(): Promise<unknown>; isKnown: Promise<boolean>; isSecret: Promise<boolean> };
            internals.isKnown.catch(() => undefined);
            internals.isSecret.catch(() => undefined);
            return internals.promise().then(
                (value) => ({ value }),
                (error: Error) => ({ error: error.message, isResourceError: pulumi.ResourceError.isInstance(error) }),
            );
        };

        test("refuses a vault without purge protection, naming it and saying what to do", async () => {
            const result = await settled(verifiedEncryption({
                vaultId: OPEN_VAULT,
                keyUri: "https://kv-cmk-open.vault.azure.net/keys/cmk",
                identityId: undefined,
                subscriptionId: FAKE_SUBSCRIPTION_ID,
                parent: parent(),
            }));
            expect(result).toEqual({ error: purgeProtectionMessage(OPEN_VAULT), isResourceError: true });
            expect(purgeProtectionMessage(OPEN_VAULT)).toBe(
                `MlWorkspace: customerManagedKeyVaultId "${OPEN_VAULT}" has no purge protection: Azure ML requires purge ` +
                "protection on the vault that holds a customer-managed key and refuses to create the workspace without it. " +
                "Turn purge protection on in that vault (irreversible: the vault and its keys then stay recoverable, and " +
                "cannot be purged, for the whole soft-delete period) or use a key from a vault that has it.",
            );
        });

        test("a vault in another subscription is not read (the provider cannot see it); Azure checks it", async () => {
            const before = record.invokes.length;
            const result = await settled(verifiedEncryption({
                vaultId: FOREIGN_VAULT,
                keyUri: "https://kv-cmk-elsewhere.vault.azure.net/keys/cmk",
                identityId: undefined,
                subscriptionId: FAKE_SUBSCRIPTION_ID,
                parent: parent(),
            }));
            expect(result).toEqual({
                value: {
                    status: "Enabled",
                    keyVaultProperties: { keyVaultArmId: FOREIGN_VAULT, keyIdentifier: "https://kv-cmk-elsewhere.vault.azure.net/keys/cmk" },
                },
            });
            expect(record.invokes.slice(before)).toEqual([]);
            expect(unverifiedVaultMessage(FOREIGN_VAULT)).toContain("Azure checks it when it creates the workspace");
        });

        test("checks values that were Outputs when the component validated its arguments", async () => {
            const result = await settled(verifiedEncryption({
                vaultId: pulumi.output(PROTECTED_VAULT),
                keyUri: pulumi.output("https://kv-other.vault.azure.net/keys/cmk"),
                identityId: undefined,
                subscriptionId: FAKE_SUBSCRIPTION_ID,
                parent: parent(),
            }));
            expect(result).toEqual({
                error: 'MlWorkspace: customerManagedKeyUri "https://kv-other.vault.azure.net/keys/cmk" names a key in vault kv-other, ' +
                    "not in kv-cmk-protected (customerManagedKeyVaultId): give the vault that holds the key.",
                isResourceError: true,
            });
        });
    });
});

describe("diagnosticSettings", () => {
    test("sends all logs and all metrics to the component's Log Analytics workspace", async () => {
        const built = await build("diag", { ...base("mlw-diag"), diagnosticSettings: true });
        const setting = built.one(T.diagnostics);
        expect(inputsOf(setting)).toEqual({
            name: "diag-mlw-diag",
            resourceUri: workspaceId("mlw-diag"),
            workspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/log-mlw-diag-${SUFFIX}`,
            logs: [{ categoryGroup: "allLogs", enabled: true }],
            metrics: [{ category: "AllMetrics", enabled: true }],
        });
        expect(setting.dependencies).toEqual(expect.arrayContaining([built.one(T.workspace).urn, built.one(T.logs).urn]));
    });

    test("false (the default) makes none", async () => {
        const built = await build("nodiag", { ...base("mlw-nodiag"), diagnosticSettings: false });
        expect(built.all(T.diagnostics)).toEqual([]);
    });
});

describe("lock", () => {
    test.each([
        [WorkspaceLockLevel.CanNotDelete, "Cannot delete the workspace or anything in it."],
        [WorkspaceLockLevel.ReadOnly, "Cannot change or delete the workspace or anything in it."],
    ])("%s locks the workspace at its own scope", async (level, notes) => {
        const name = `lock-${level.toLowerCase()}`;
        const built = await build(name, { ...base(`mlw-${name}`), lock: level });
        expect(inputsOf(built.one(T.lock))).toEqual({
            scope: workspaceId(`mlw-${name}`),
            lockName: `lock-mlw-${name}`,
            level,
            notes,
        });
    });

    test("comes last: after the workspace's private endpoint and diagnostic setting, which it would block", async () => {
        const built = await build("locked", {
            ...base("mlw-locked"),
            lock: WorkspaceLockLevel.CanNotDelete,
            privateEndpointSubnetId: SUBNET,
            diagnosticSettings: true,
        });
        expect(built.one(T.lock).dependencies).toEqual(expect.arrayContaining([
            built.one(T.workspace).urn,
            built.byName("locked-pe-workspace").urn,
            built.one(T.diagnostics).urn,
        ]));
    });
});

describe("tags", () => {
    test("reach every resource that takes tags, with every option on", async () => {
        const built = await build("tagged", {
            ...base("mlw-tagged"),
            tags: TAGS,
            privateEndpointSubnetId: SUBNET,
            storageAllowedIpRanges: ["203.0.113.7"],
            customerManagedKeyVaultId: PROTECTED_VAULT,
            customerManagedKeyUri: PROTECTED_KEY,
            diagnosticSettings: true,
            lock: WorkspaceLockLevel.CanNotDelete,
        });
        const azure = built.resources.filter((r) => r.type.startsWith("azure-native:"));
        const untagged = azure.filter((r) => inputsOf(r).tags === undefined).map((r) => r.type);
        // Azure gives these no tags: zone groups live inside an endpoint, the others are extension resources.
        expect([...new Set(untagged)].sort()).toEqual([T.lock, T.diagnostics, T.zoneGroup].sort());
        for (const resource of azure.filter((r) => inputsOf(r).tags !== undefined)) {
            expect([resource.name, inputsOf(resource).tags]).toEqual([resource.name, TAGS]);
        }
        expect(azure.length).toBe(5 + 5 + 5 + 4 + 4 + 2);
    });
});

describe("bad arguments fail with one ResourceError before any child exists", () => {
    const KEY = "https://kv-cmk-protected.vault.azure.net/keys/cmk";
    test.each<[string, Partial<MlWorkspaceArgs>, string]>([
        ["lock with purge", { lock: WorkspaceLockLevel.CanNotDelete, purgeOnDestroy: true },
            "MlWorkspace: lock and purgeOnDestroy cannot be combined: a locked workspace can be neither deleted nor purged; set one of them."],
        ["both network models", { privateEndpointSubnetId: SUBNET, managedNetworkIsolationMode: ManagedNetworkIsolationMode.AllowInternetOutbound },
            "MlWorkspace: privateEndpointSubnetId and managedNetworkIsolationMode cannot be combined: the workspace lives either in your virtual network (private endpoints) or in Azure's managed network; set one of them."],
        ["isolation mode", { managedNetworkIsolationMode: "Disabled" as ManagedNetworkIsolationMode },
            'MlWorkspace: managedNetworkIsolationMode "Disabled" must be one of AllowInternetOutbound, AllowOnlyApprovedOutbound.'],
        ["lock level", { lock: "NotSpecified" as WorkspaceLockLevel },
            'MlWorkspace: lock "NotSpecified" must be one of CanNotDelete, ReadOnly.'],
        ["subnet id", { privateEndpointSubnetId: `${VNET}/snet-pe` },
            `MlWorkspace: privateEndpointSubnetId "${VNET}/snet-pe" is not a subnet id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>.`],
        ["allowed ranges without endpoints", { storageAllowedIpRanges: ["203.0.113.7"] },
            'MlWorkspace: storageAllowedIpRanges ["203.0.113.7"] needs privateEndpointSubnetId: without private endpoints the storage account is open to the internet already.'],
        ["private range", { privateEndpointSubnetId: SUBNET, storageAllowedIpRanges: ["203.0.113.7", "10.1.2.3"] },
            'MlWorkspace: storageAllowedIpRanges[1] "10.1.2.3" must be a public IPv4 address or range such as 203.0.113.7 or 203.0.113.0/24 (Azure Storage accepts no private, IPv6, /31 or /32 ranges).'],
        ["/32 range", { privateEndpointSubnetId: SUBNET, storageAllowedIpRanges: ["203.0.113.7/32"] },
            'MlWorkspace: storageAllowedIpRanges[0] "203.0.113.7/32" must be a public IPv4 address or range such as 203.0.113.7 or 203.0.113.0/24 (Azure Storage accepts no private, IPv6, /31 or /32 ranges).'],
        ["vault without key", { customerManagedKeyVaultId: PROTECTED_VAULT },
            "MlWorkspace: customerManagedKeyVaultId and customerManagedKeyUri go together: customerManagedKeyUri is missing; set both (the vault and the key in it) or neither."],
        ["key without vault", { customerManagedKeyUri: KEY },
            "MlWorkspace: customerManagedKeyVaultId and customerManagedKeyUri go together: customerManagedKeyVaultId is missing; set both (the vault and the key in it) or neither."],
        ["identity without key", { customerManagedKeyIdentityId: IDENTITY },
            `MlWorkspace: customerManagedKeyIdentityId "${IDENTITY}" needs customerManagedKeyVaultId and customerManagedKeyUri: it is the identity that reads the key.`],
        ["vault id", { customerManagedKeyVaultId: "kv-cmk-protected", customerManagedKeyUri: KEY },
            'MlWorkspace: customerManagedKeyVaultId "kv-cmk-protected" is not a key vault id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>.'],
        ["key uri", { customerManagedKeyVaultId: PROTECTED_VAULT, customerManagedKeyUri: "https://kv-cmk-protected.vault.azure.net/secrets/cmk" },
            'MlWorkspace: customerManagedKeyUri "https://kv-cmk-protected.vault.azure.net/secrets/cmk" is not a Key Vault key identifier: https://<vault>.vault.azure.net/keys/<key>/<32-character version> (the version may be left out).'],
        ["key in another vault", { customerManagedKeyVaultId: PROTECTED_VAULT, customerManagedKeyUri: "https://kv-other.vault.azure.net/keys/cmk" },
            'MlWorkspace: customerManagedKeyUri "https://kv-other.vault.azure.net/keys/cmk" names a key in vault kv-other, not in kv-cmk-protected (customerManagedKeyVaultId): give the vault that holds the key.'],
        ["identity id", { customerManagedKeyVaultId: PROTECTED_VAULT, customerManagedKeyUri: KEY, customerManagedKeyIdentityId: "id-cmk" },
            'MlWorkspace: customerManagedKeyIdentityId "id-cmk" is not a user-assigned identity id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.'],
    ])("%s", async (what, override, message) => {
        const before = record.resources.length;
        const name = `bad-${what.replace(/[^a-z0-9]+/gi, "-")}`;
        expect(errorOf(() => new MlWorkspace(name, { ...base("mlw-bad"), ...override }))).toEqual({ message, isResourceError: true });
        await settle();
        // Only the component itself was registered (by its constructor's super call): no child.
        expect(record.resources.slice(before).filter((r) => r.custom)).toEqual([]);
        // The same check, for a stack that refuses its config before building anything.
        expect(mlWorkspaceArgsProblem({ ...base("mlw-bad"), ...override })).toBe(message.replace(/^MlWorkspace: /, ""));
    });

    test("good arguments have no problem, Outputs included (they are checked when they resolve)", () => {
        expect(mlWorkspaceArgsProblem({
            ...base("mlw-good"),
            privateEndpointSubnetId: pulumi.output("not checked here"),
            storageAllowedIpRanges: ["203.0.113.7"],
            customerManagedKeyVaultId: PROTECTED_VAULT,
            customerManagedKeyUri: pulumi.output("not checked here either"),
            diagnosticSettings: true,
            lock: WorkspaceLockLevel.ReadOnly,
        })).toBeUndefined();
    });
});

describe("the rules behind the checks", () => {
    test("a subnet id gives its virtual network", () => {
        expect(parseSubnetId(SUBNET)).toEqual({
            subscriptionId: "11111111-1111-1111-1111-111111111111",
            resourceGroupName: "rg-net",
            virtualNetworkName: "vnet-ml",
            subnetName: "snet-pe",
            virtualNetworkId: VNET,
        });
        // ARM ids are case-insensitive in their fixed segments.
        expect(parseSubnetId(SUBNET.replace("/subnets/", "/SUBNETS/").replace("Microsoft.Network", "microsoft.network"))?.virtualNetworkId)
            .toBe(VNET.replace("Microsoft.Network", "microsoft.network"));
        expect(parseSubnetId(VNET)).toBeUndefined();
    });

    test.each([
        ["203.0.113.7", true], ["203.0.113.0/24", true], ["198.51.100.0/30", true], ["8.8.8.8", true],
        ["203.0.113.7/31", false], ["203.0.113.7/32", false], ["10.0.0.0/8", false], ["172.20.1.1", false],
        ["192.168.0.1", false], ["256.1.1.1", false], ["2001:db8::1", false], ["203.0.113", false],
    ])("storage IP rule %s: %s", (value, ok) => {
        expect(isStorageIpRule(value)).toBe(ok);
    });

    test("key identifiers, with or without a version, in the public and sovereign clouds", () => {
        expect(parseKeyUri(PROTECTED_KEY)).toEqual({ vaultName: "kv-cmk-protected", keyName: "cmk", keyVersion: KEY_VERSION });
        expect(parseKeyUri("https://kv-cn.vault.azure.cn/keys/cmk")).toEqual({ vaultName: "kv-cn", keyName: "cmk", keyVersion: undefined });
        expect(parseKeyUri("http://kv.vault.azure.net/keys/cmk")).toBeUndefined();
        expect(parseKeyUri(`${PROTECTED_KEY}/extra`)).toBeUndefined();
    });
});
