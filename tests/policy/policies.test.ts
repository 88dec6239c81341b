/**
 * Each policy, passing and failing, called the way the pack's server calls it: hand-made validation
 * args (pulumi-policy#445 asks for an official harness) and a recording reportViolation.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import {
    appInsightsWorkspaceBased,
    computeInstanceIdleShutdown,
    computeInstanceNoPublicSsh,
    keyVaultRbacAuthorization,
    LabPolicy,
    mlWorkspaceNoContainerRegistry,
    POLICIES,
    storageHttpsOnly,
    storageMinimumTls12,
    storageNoPublicBlobAccess,
} from "../../policy/policies";

const TYPES = {
    storage: "azure-native:storage:StorageAccount",
    vault: "azure-native:keyvault:Vault",
    appInsights: "azure-native:applicationinsights:Component",
    workspace: "azure-native:machinelearningservices:Workspace",
    compute: "azure-native:machinelearningservices:Compute",
} as const;

class NotApplicable extends Error {}

/** What one validation reported: the violation messages, or that the policy declared itself not applicable. */
interface Outcome {
    readonly violations: string[];
    readonly notApplicable?: string;
}

/** Validation args as @pulumi/policy's server builds them, with a throwing notApplicable. */
function argsFor(type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): ResourceValidationArgs {
    const isType = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType === type;
    return {
        type,
        props,
        urn: `urn:pulumi:dev::dp100-lab::${type}::test`,
        name: "test",
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        stackTags: new Map(),
        isType,
        asType: ((resourceClass: unknown) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

async function validate(
    policy: LabPolicy,
    type: string,
    props: Record<string, unknown>,
    config?: Record<string, unknown>,
): Promise<Outcome> {
    const violations: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    try {
        for (const validation of validations) {
            await validation?.(argsFor(type, props, config), (message) => violations.push(message));
        }
    } catch (error) {
        if (error instanceof NotApplicable) {
            return { violations, notApplicable: error.message };
        }
        throw error;
    }
    return { violations };
}

const GOOD_STORAGE = {
    accountName: "stmlwdp100labsx7k2",
    allowBlobPublicAccess: false,
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
};

const computeInstance = (settings: Record<string, unknown>) => ({
    computeName: "cimlwdp100labsx7k2",
    properties: { computeType: "ComputeInstance", properties: { vmSize: "Standard_DS11_v2", ...settings } },
});

/** The good storage account without one setting. */
const storageWithout = (key: keyof typeof GOOD_STORAGE) =>
    Object.fromEntries(Object.entries(GOOD_STORAGE).filter(([name]) => name !== key));

const GOOD_INSTANCE = { sshSettings: { sshPublicAccess: "Disabled" }, idleTimeBeforeShutdown: "PT60M" };

describe("the pack", () => {
    it("has unique names, a description, and a declared enforcement level for every policy", () => {
        expect(new Set(POLICIES.map((policy) => policy.name)).size).toBe(POLICIES.length);
        for (const policy of POLICIES) {
            expect(policy.name).toMatch(/^[a-z0-9-]+$/);
            expect(policy.description.length).toBeGreaterThan(20);
        }
        expect(POLICIES.map((policy) => [policy.name, policy.enforcementLevel])).toEqual([
            ["storage-no-public-blob-access", "mandatory"],
            ["storage-minimum-tls-1-2", "mandatory"],
            ["storage-https-only", "mandatory"],
            ["key-vault-rbac-authorization", "mandatory"],
            ["app-insights-workspace-based", "mandatory"],
            ["ml-workspace-no-container-registry", "mandatory"],
            ["compute-instance-no-public-ssh", "advisory"],
            ["compute-instance-idle-shutdown", "advisory"],
        ]);
    });

    it("declares no config setting named enforcementLevel (the server refuses to start with one)", () => {
        for (const policy of POLICIES) {
            expect(Object.keys(policy.configSchema?.properties ?? {})).not.toContain("enforcementLevel");
        }
    });

    it("skips resources of other types, as the server does", async () => {
        for (const policy of POLICIES) {
            const outcome = await validate(policy, "azure-native:resources:ResourceGroup", { resourceGroupName: "rg" });
            expect(outcome.violations).toEqual([]);
            expect(outcome.notApplicable).toMatch(/^Policy only applies to resources of type 'azure-native:/);
        }
    });
});

describe("storage-no-public-blob-access", () => {
    it("passes a storage account with allowBlobPublicAccess false", async () => {
        expect(await validate(storageNoPublicBlobAccess, TYPES.storage, GOOD_STORAGE)).toEqual({ violations: [] });
    });

    it("fails a storage account that allows public blob access", async () => {
        expect(await validate(storageNoPublicBlobAccess, TYPES.storage, { ...GOOD_STORAGE, allowBlobPublicAccess: true })).toEqual({
            violations: ["allowBlobPublicAccess is true: set it to false so no container can be made public."],
        });
    });

    it("fails a storage account that leaves it to Azure's default", async () => {
        expect((await validate(storageNoPublicBlobAccess, TYPES.storage, storageWithout("allowBlobPublicAccess"))).violations).toEqual([
            "allowBlobPublicAccess is not set: set it to false (Azure's default has changed between API versions).",
        ]);
    });
});

describe("storage-minimum-tls-1-2", () => {
    it.each(["TLS1_2", "TLS1_3"])("passes minimumTlsVersion %s", async (version) => {
        expect(await validate(storageMinimumTls12, TYPES.storage, { ...GOOD_STORAGE, minimumTlsVersion: version })).toEqual({ violations: [] });
    });

    it.each(["TLS1_0", "TLS1_1"])("fails minimumTlsVersion %s", async (version) => {
        expect((await validate(storageMinimumTls12, TYPES.storage, { ...GOOD_STORAGE, minimumTlsVersion: version })).violations).toEqual([
            `minimumTlsVersion is "${version}": set it to TLS1_2.`,
        ]);
    });

    it("fails a storage account without minimumTlsVersion", async () => {
        expect((await validate(storageMinimumTls12, TYPES.storage, storageWithout("minimumTlsVersion"))).violations).toEqual([
            "minimumTlsVersion is not set: set it to TLS1_2 (Azure's default is TLS1_0 on older API versions).",
        ]);
    });
});

describe("storage-https-only", () => {
    it("passes a storage account with enableHttpsTrafficOnly true", async () => {
        expect(await validate(storageHttpsOnly, TYPES.storage, GOOD_STORAGE)).toEqual({ violations: [] });
    });

    it("fails a storage account that accepts plain HTTP", async () => {
        expect((await validate(storageHttpsOnly, TYPES.storage, { ...GOOD_STORAGE, enableHttpsTrafficOnly: false })).violations).toEqual([
            "enableHttpsTrafficOnly is false: set it to true so plain HTTP is refused.",
        ]);
    });

    it("fails a storage account without enableHttpsTrafficOnly", async () => {
        expect((await validate(storageHttpsOnly, TYPES.storage, storageWithout("enableHttpsTrafficOnly"))).violations).toEqual([
            "enableHttpsTrafficOnly is not set: set it to true.",
        ]);
    });
});

describe("key-vault-rbac-authorization", () => {
    const vault = (properties: Record<string, unknown>) => ({ vaultName: "kv-mlw-dp100-x7k2", properties: { tenantId: "t", ...properties } });

    it("passes a vault with RBAC authorization", async () => {
        expect(await validate(keyVaultRbacAuthorization, TYPES.vault, vault({ enableRbacAuthorization: true }))).toEqual({ violations: [] });
    });

    it("fails a vault that uses access policies", async () => {
        expect((await validate(keyVaultRbacAuthorization, TYPES.vault, vault({ enableRbacAuthorization: false }))).violations).toEqual([
            "properties.enableRbacAuthorization is false: set it to true and grant access with role assignments.",
        ]);
    });

    it("fails a vault that does not say", async () => {
        expect((await validate(keyVaultRbacAuthorization, TYPES.vault, vault({}))).violations).toEqual([
            "properties.enableRbacAuthorization is not set: set it to true (older API versions default to access policies).",
        ]);
    });
});

describe("app-insights-workspace-based", () => {
    const workspaceBased = {
        resourceName: "appi-mlw-dp100-labs-x7k2",
        kind: "web",
        workspaceResourceId: "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log",
        ingestionMode: "LogAnalytics",
    };

    it("passes a workspace-based component", async () => {
        expect(await validate(appInsightsWorkspaceBased, TYPES.appInsights, workspaceBased)).toEqual({ violations: [] });
    });

    it("fails a classic component (no workspace, no ingestion mode)", async () => {
        expect((await validate(appInsightsWorkspaceBased, TYPES.appInsights, { resourceName: "appi", kind: "web" })).violations).toEqual([
            "workspaceResourceId is not set: point it at a Log Analytics workspace.",
            "ingestionMode is null: set it to LogAnalytics.",
        ]);
    });

    it("fails a component that ingests into App Insights itself", async () => {
        expect((await validate(appInsightsWorkspaceBased, TYPES.appInsights, { ...workspaceBased, ingestionMode: "ApplicationInsights" })).violations).toEqual([
            'ingestionMode is "ApplicationInsights": set it to LogAnalytics.',
        ]);
    });
});

describe("ml-workspace-no-container-registry", () => {
    const workspace = { workspaceName: "mlw-dp100-labs", storageAccount: "/st", keyVault: "/kv", applicationInsights: "/appi" };
    const registry = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/crlab";

    it("passes a workspace without a container registry", async () => {
        expect(await validate(mlWorkspaceNoContainerRegistry, TYPES.workspace, workspace)).toEqual({ violations: [] });
    });

    it("fails a workspace with a container registry nobody asked for", async () => {
        expect((await validate(mlWorkspaceNoContainerRegistry, TYPES.workspace, { ...workspace, containerRegistry: registry })).violations).toEqual([
            `containerRegistry is set ("${registry}"): remove it, or allow it in the policy config ` +
                '({"ml-workspace-no-container-registry": {"allowContainerRegistry": true}}).',
        ]);
    });

    it("passes a workspace with a container registry when the config allows one", async () => {
        const outcome = await validate(mlWorkspaceNoContainerRegistry, TYPES.workspace, { ...workspace, containerRegistry: registry }, { allowContainerRegistry: true });
        expect(outcome).toEqual({ violations: [] });
    });

    it("declares allowContainerRegistry as a boolean defaulting to false", () => {
        expect(mlWorkspaceNoContainerRegistry.configSchema?.properties.allowContainerRegistry).toMatchObject({ type: "boolean", default: false });
    });
});

describe("compute-instance-no-public-ssh (advisory)", () => {
    it("passes an instance with public SSH disabled", async () => {
        expect(await validate(computeInstanceNoPublicSsh, TYPES.compute, computeInstance(GOOD_INSTANCE))).toEqual({ violations: [] });
    });

    it("warns about an instance that opens SSH", async () => {
        const props = computeInstance({ ...GOOD_INSTANCE, sshSettings: { sshPublicAccess: "Enabled", adminPublicKey: "ssh-rsa AAA" } });
        expect((await validate(computeInstanceNoPublicSsh, TYPES.compute, props)).violations).toEqual([
            'sshSettings.sshPublicAccess is "Enabled": the instance\'s SSH port is open to the internet; set it to Disabled unless this stack needs SSH.',
        ]);
    });

    it("warns about an instance that does not say", async () => {
        expect((await validate(computeInstanceNoPublicSsh, TYPES.compute, computeInstance({ idleTimeBeforeShutdown: "PT60M" }))).violations).toEqual([
            "sshSettings.sshPublicAccess is not set: set it to Disabled so the SSH port stays closed.",
        ]);
    });

    it("does not apply to a compute cluster", async () => {
        const cluster = { computeName: "cpu-cluster", properties: { computeType: "AmlCompute", properties: { vmSize: "Standard_DS11_v2" } } };
        expect(await validate(computeInstanceNoPublicSsh, TYPES.compute, cluster)).toEqual({
            violations: [],
            notApplicable: "only compute instances (computeType ComputeInstance) have these settings",
        });
    });
});

describe("compute-instance-idle-shutdown (advisory)", () => {
    it("passes an instance with an idle shutdown", async () => {
        expect(await validate(computeInstanceIdleShutdown, TYPES.compute, computeInstance(GOOD_INSTANCE))).toEqual({ violations: [] });
    });

    it("warns about an instance that never shuts down when idle", async () => {
        expect((await validate(computeInstanceIdleShutdown, TYPES.compute, computeInstance({ sshSettings: { sshPublicAccess: "Disabled" } }))).violations).toEqual([
            "idleTimeBeforeShutdown is not set: a forgotten instance runs, and bills, until someone stops it; set it, e.g. PT60M.",
        ]);
    });

    it("does not apply to a compute cluster", async () => {
        const cluster = { computeName: "cpu-cluster", properties: { computeType: "AmlCompute" } };
        expect((await validate(computeInstanceIdleShutdown, TYPES.compute, cluster)).notApplicable).toBeDefined();
    });
});
