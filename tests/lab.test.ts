/**
 * The lab stack as the engine would receive it: every setting of LAB.md sections 1 and 3 on the
 * registered inputs, what must be absent, the references between resources, parents, and outputs.
 */
import { BASE_CONFIG, ProgramRun, runPrograms, single } from "./helpers/program";
import type { RegisteredResource } from "../plan/engineDouble";

const T = {
    lab: "mllab:index:Dp100Lab",
    mlWorkspaceComponent: "mllab:index:MlWorkspace",
    computeComponent: "mllab:index:ComputeInstance",
    group: "azure-native:resources:ResourceGroup",
    storage: "azure-native:storage:StorageAccount",
    vault: "azure-native:keyvault:Vault",
    logs: "azure-native:operationalinsights:Workspace",
    insights: "azure-native:applicationinsights:Component",
    workspace: "azure-native:machinelearningservices:Workspace",
    compute: "azure-native:machinelearningservices:Compute",
    suffix: "random:index/randomString:RandomString",
} as const;

const SUFFIX = "xxx7k2"; // what the engine double's RandomString returns for length 6
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dp100-labs";
const WORKSPACE_ID = `${SUB}/providers/Microsoft.MachineLearningServices/workspaces/mlw-dp100-labs`;

/** A configuration that changes every lab setting, and one that turns idle shutdown off. */
const CUSTOM_CONFIG = {
    "azure-native:location": "eastus2",
    "dp100-lab:resourceGroupName": "rg-class-b",
    "dp100-lab:workspaceName": "mlw_class_b",
    "dp100-lab:computeInstanceVmSize": "Standard_E4ds_v4",
    "dp100-lab:idleShutdown": "PT2H",
    "dp100-lab:logAnalyticsRetentionDays": "90",
    "dp100-lab:logAnalyticsDailyCapGb": "5",
    "dp100-lab:keyVaultPurgeProtection": "true",
};
const IDLE_OFF_CONFIG = { ...BASE_CONFIG, "dp100-lab:idleShutdown": "off" };

let lab: ProgramRun;
let custom: ProgramRun;
let idleOff: ProgramRun;
beforeAll(async () => {
    [lab, custom, idleOff] = await runPrograms([BASE_CONFIG, CUSTOM_CONFIG, IDLE_OFF_CONFIG]);
});

const find = (type: string) => single(lab.record, type);

describe("LAB.md section 1: resource group and workspace", () => {
    test("the resource group is rg-dp100-labs in the stack's region", () => {
        expect(find(T.group).inputs).toEqual({ resourceGroupName: "rg-dp100-labs", location: "westeurope" });
    });

    test("the workspace is mlw-dp100-labs with a system-assigned identity and no container registry", () => {
        const inputs = find(T.workspace).inputs;
        expect(inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            location: "westeurope",
            workspaceName: "mlw-dp100-labs",
            friendlyName: "mlw-dp100-labs",
            sku: { name: "Basic", tier: "Basic" },
            identity: { type: "SystemAssigned" },
            storageAccount: `${SUB}/providers/Microsoft.Storage/storageAccounts/stmlwdp100labs${SUFFIX}`,
            keyVault: `${SUB}/providers/Microsoft.KeyVault/vaults/kv-mlw-dp100-labs-${SUFFIX}`,
            applicationInsights: `${SUB}/providers/Microsoft.Insights/components/appi-mlw-dp100-labs-${SUFFIX}`,
        });
        expect(inputs).not.toHaveProperty("containerRegistry");
        expect(lab.record.resources.map((r) => r.type)).not.toContain("azure-native:containerregistry:Registry");
    });

    test("a new storage account: StorageV2, Standard_LRS, HTTPS only, TLS 1.2, no public blobs, shared key kept", () => {
        expect(find(T.storage).inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            location: "westeurope",
            accountName: `stmlwdp100labs${SUFFIX}`,
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
            allowSharedKeyAccess: true,
        });
    });

    test("a new key vault: standard, the deployment's tenant, RBAC, 7-day soft delete, no purge protection", () => {
        const inputs = find(T.vault).inputs;
        expect(inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            location: "westeurope",
            vaultName: `kv-mlw-dp100-labs-${SUFFIX}`,
            properties: {
                tenantId: "00000000-0000-0000-0000-00000000000a",
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                softDeleteRetentionInDays: 7,
                // Filled in by azure-native's defaults, registered as the engine would receive them.
                enableSoftDelete: true,
                enabledForDeployment: false,
                enabledForDiskEncryption: false,
                enabledForTemplateDeployment: false,
                publicNetworkAccess: "enabled",
            },
        });
        expect(inputs.properties).not.toHaveProperty("enablePurgeProtection");
    });

    test("a Log Analytics workspace with 30-day retention and no daily cap", () => {
        const inputs = find(T.logs).inputs;
        expect(inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            location: "westeurope",
            workspaceName: `log-mlw-dp100-labs-${SUFFIX}`,
            sku: { name: "PerGB2018" },
            retentionInDays: 30,
        });
        expect(inputs).not.toHaveProperty("workspaceCapping");
    });

    test("a workspace-based Application Insights on the stack's Log Analytics workspace", () => {
        expect(find(T.insights).inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            location: "westeurope",
            resourceName: `appi-mlw-dp100-labs-${SUFFIX}`,
            kind: "web",
            applicationType: "web",
            ingestionMode: "LogAnalytics",
            workspaceResourceId: `${SUB}/providers/Microsoft.OperationalInsights/workspaces/log-mlw-dp100-labs-${SUFFIX}`,
            // azure-native's defaults for this resource.
            flowType: "Bluefield",
            requestSource: "rest",
            publicNetworkAccessForIngestion: "Enabled",
            publicNetworkAccessForQuery: "Enabled",
        });
    });

    test("the workspace depends on exactly the storage account, key vault and App Insights of this stack", () => {
        const deps = find(T.workspace).dependencies;
        expect(deps).toEqual(expect.arrayContaining([find(T.storage).urn, find(T.vault).urn, find(T.insights).urn]));
        expect(find(T.insights).dependencies).toContain(find(T.logs).urn);
    });

    test("storage and key vault changes replace the workspace, old one first (its name is fixed)", () => {
        expect(find(T.workspace).options).toEqual({
            replaceOnChanges: ["storageAccount", "keyVault"],
            deleteBeforeReplace: true,
            customTimeouts: { create: "30m", update: "30m", delete: "30m" },
            // Purge on destroy is on for the lab: the purge resource removes the workspace from Azure.
            retainOnDelete: true,
        });
    });

    test("the name suffix is random once and then stable: no keepers", () => {
        const suffix = lab.record.resources.find((r) => r.type === T.suffix && r.name === "lab-ml-suffix");
        expect(suffix?.inputs).toEqual({ length: 6, upper: false, special: false, numeric: true, lower: true });
    });
});

describe("LAB.md section 3: compute instance", () => {
    test("CPU Standard_DS11_v2, no SSH, personal, idle shutdown after 60 minutes", () => {
        expect(find(T.compute).inputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            workspaceName: "mlw-dp100-labs",
            computeName: `cimlwdp100labs${SUFFIX}`,
            location: "westeurope",
            properties: {
                computeType: "ComputeInstance",
                properties: {
                    vmSize: "Standard_DS11_v2",
                    sshSettings: { sshPublicAccess: "Disabled" },
                    applicationSharingPolicy: "Personal",
                    computeInstanceAuthorizationType: "personal",
                    idleTimeBeforeShutdown: "PT60M",
                },
            },
        });
    });

    test("no virtual network, no assigned user, no setup script, no managed identity, no schedules", () => {
        const compute = find(T.compute).inputs as { properties: { properties: Record<string, unknown> } };
        const settings = compute.properties.properties;
        for (const absent of ["subnet", "personalComputeInstanceSettings", "setupScripts", "schedules", "enableNodePublicIp", "customServices"]) {
            expect([absent, settings[absent]]).toEqual([absent, undefined]);
        }
        expect(find(T.compute).inputs).not.toHaveProperty("identity");
    });

    test("is created in the workspace after the workspace exists", () => {
        expect(find(T.compute).dependencies).toContain(find(T.workspace).urn);
    });

    test("settings change by replacement, old one first, with timeouts sized for a slow create", () => {
        expect(find(T.compute).options).toEqual({
            replaceOnChanges: ["properties"],
            deleteBeforeReplace: true,
            customTimeouts: { create: "30m", update: "30m", delete: "20m" },
        });
    });
});

describe("LAB.md section 4: the training pipeline", () => {
    const WS_ID = WORKSPACE_ID;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const job = () => find("azure-native:resources:Resource").inputs as any;

    test("a pipeline job in experiment train-regression-designer, on the stack's compute instance", () => {
        expect(job().resourceProviderNamespace).toBe("Microsoft.MachineLearningServices");
        expect(job().parentResourcePath).toBe("workspaces/mlw-dp100-labs");
        expect(job().resourceType).toBe("jobs");
        expect(job().properties.jobType).toBe("Pipeline");
        expect(job().properties.experimentName).toBe("train-regression-designer");
        expect(job().properties.settings.default_compute).toBe(`${WS_ID}/computes/cimlwdp100labs${SUFFIX}`);
        expect(find(T.compute).inputs.computeName).toBe(`cimlwdp100labs${SUFFIX}`);
    });

    test("its input is the stack's data asset, and every step runs a component version of this stack", () => {
        const dataVersion = find("azure-native:machinelearningservices:DataVersion").inputs as Record<string, string>;
        expect(job().properties.inputs.raw_data).toEqual({
            jobInputType: "uri_file",
            mode: "ReadOnlyMount",
            uri: `${WS_ID}/data/${dataVersion.name}/versions/${dataVersion.version}`,
        });
        const componentIds = lab.record.resources
            .filter((r) => r.type === "azure-native:machinelearningservices:ComponentVersion")
            .map((r) => `${WS_ID}/components/${r.inputs.name}/versions/${r.inputs.version}`);
        const steps = Object.values(job().properties.jobs) as Array<{ componentId: string }>;
        expect(steps).toHaveLength(6);
        expect(steps.map((step) => step.componentId).sort()).toEqual(componentIds.sort());
    });

    test("the job's name is the one the project chose, in the registered inputs", () => {
        expect(job().resourceName).toBe("automobile-price-xxxxx7k2");
        expect(lab.outputs.trainingJobName).toBe(job().resourceName);
    });
});

describe("stack structure", () => {
    const byUrn = (urn: string | undefined): RegisteredResource | undefined =>
        lab.record.resources.find((r) => r.urn === urn);

    test("every child has its component as parent", () => {
        const parentType = (type: string) => byUrn(lab.record.resources.find((r) => r.type === type)?.parent)?.type;
        expect(parentType(T.group)).toBe(T.lab);
        expect(parentType(T.mlWorkspaceComponent)).toBe(T.lab);
        expect(parentType(T.computeComponent)).toBe(T.lab);
        for (const type of [T.storage, T.vault, T.logs, T.insights, T.workspace]) {
            expect([type, parentType(type)]).toEqual([type, T.mlWorkspaceComponent]);
        }
        expect(parentType(T.compute)).toBe(T.computeComponent);
        expect(find(T.lab).parent).toBeUndefined();
    });

    test("mock URNs carry the parent chain", () => {
        expect(find(T.compute).urn).toBe(
            `urn:pulumi:dev::dp100-lab::${T.computeComponent}$${T.compute}::lab-compute-instance`,
        );
    });

    test("no two resources share a type and name", () => {
        const keys = lab.record.resources.map((r) => `${r.type}::${r.name}`);
        expect(new Set(keys).size).toBe(keys.length);
    });

    test("every component's type token is mllab:index:<ClassName>", () => {
        const components = lab.record.resources.filter((r) => !r.custom);
        expect(components.map((r) => r.type).sort()).toEqual([
            T.computeComponent, T.lab, T.mlWorkspaceComponent, "mllab:index:TrainingPipeline",
        ]);
        // The one resource of the project's own is a dynamic resource, typed after its class.
        expect(lab.record.resources.filter((r) => r.type.startsWith("pulumi-nodejs:")).map((r) => r.type))
            .toEqual(["pulumi-nodejs:dynamic/mllab:WorkspacePurge"]);
        for (const component of components) {
            expect(component.type).toMatch(/^mllab:index:[A-Z][A-Za-z0-9]+$/);
        }
    });

    test("the only invoke is getClientConfig, for the tenant", () => {
        expect(lab.record.invokes.map((i) => i.token)).toEqual(["azure-native:authorization:getClientConfig"]);
    });
});

describe("stack outputs", () => {
    test("name the resources and link the studio to the workspace in the deployment's tenant", () => {
        expect(lab.outputs).toEqual({
            resourceGroupName: "rg-dp100-labs",
            workspaceName: "mlw-dp100-labs",
            workspaceId: WORKSPACE_ID,
            studioUrl: `https://ml.azure.com/?wsid=${WORKSPACE_ID}&tid=00000000-0000-0000-0000-00000000000a`,
            storageAccountName: `stmlwdp100labs${SUFFIX}`,
            keyVaultName: `kv-mlw-dp100-labs-${SUFFIX}`,
            appInsightsName: `appi-mlw-dp100-labs-${SUFFIX}`,
            computeInstanceName: `cimlwdp100labs${SUFFIX}`,
            trainingJobName: "automobile-price-xxxxx7k2",
            trainingJobStudioUrl: `https://ml.azure.com/runs/automobile-price-xxxxx7k2?wsid=${WORKSPACE_ID}&tid=00000000-0000-0000-0000-00000000000a`,
            experimentName: "train-regression-designer",
            dataAssetNames: { raw_data: "automobile_price_raw_data" },
            // Content-derived: a hash prefix of the CSV and its settings.
            dataAssetVersions: { raw_data: expect.stringMatching(/^[0-9a-f]{12}$/) },
            // The lab has no cluster and no classroom.
            computeClusterName: undefined,
            classroomAssignments: [],
        });
    });
});

describe("config overrides reach the resources", () => {
    const get = (type: string) => single(custom.record, type).inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    test("names and region", () => {
        expect(get(T.group)).toEqual({ resourceGroupName: "rg-class-b", location: "eastus2" });
        expect(get(T.workspace).workspaceName).toBe("mlw_class_b");
        expect(get(T.workspace).location).toBe("eastus2");
        expect(get(T.storage).accountName).toBe(`stmlwclassb${SUFFIX}`);
        expect(get(T.vault).vaultName).toBe(`kv-mlw-class-b-${SUFFIX}`);
        expect(get(T.compute).computeName).toBe(`cimlwclassb${SUFFIX}`);
    });

    test("compute size and idle shutdown", () => {
        expect(get(T.compute).properties.properties.vmSize).toBe("Standard_E4ds_v4");
        expect(get(T.compute).properties.properties.idleTimeBeforeShutdown).toBe("PT2H");
    });

    test("Log Analytics retention and cap, key vault purge protection", () => {
        expect(get(T.logs).retentionInDays).toBe(90);
        expect(get(T.logs).workspaceCapping).toEqual({ dailyQuotaGb: 5 });
        expect(get(T.vault).properties.enablePurgeProtection).toBe(true);
    });

    test("outputs follow", () => {
        expect(custom.outputs.resourceGroupName).toBe("rg-class-b");
        expect(custom.outputs.computeInstanceName).toBe(`cimlwclassb${SUFFIX}`);
    });

    test("idle shutdown 'off' leaves the property out", async () => {
        const settings = (single(idleOff.record, T.compute).inputs as Record<string, any>).properties.properties; // eslint-disable-line @typescript-eslint/no-explicit-any
        expect(settings).not.toHaveProperty("idleTimeBeforeShutdown");
        expect(settings.vmSize).toBe("Standard_DS11_v2");
    });
});
