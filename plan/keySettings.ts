/**
 * The settings worth reading in a review, per resource type: input paths (dot-separated) that the plan
 * prints under each resource. Absent ones are printed as "(not set)", because absence is often the
 * point (no container registry, no idle shutdown). A type not listed gets its top-level scalar inputs
 * (not the engine's own `__` ones, such as a dynamic resource's serialized provider).
 */
import { SECRET_TEXT } from "./secrets";

export const KEY_SETTINGS: Readonly<Record<string, readonly string[]>> = {
    "azure-native:resources:ResourceGroup": ["resourceGroupName", "location"],
    "azure-native:storage:StorageAccount": [
        "accountName", "kind", "sku.name", "minimumTlsVersion", "allowBlobPublicAccess", "enableHttpsTrafficOnly",
        "allowSharedKeyAccess", "publicNetworkAccess",
    ],
    "azure-native:keyvault:Vault": [
        "vaultName", "properties.sku.name", "properties.enableRbacAuthorization", "properties.softDeleteRetentionInDays",
        "properties.enablePurgeProtection", "properties.publicNetworkAccess",
    ],
    "azure-native:operationalinsights:Workspace": ["workspaceName", "sku.name", "retentionInDays", "workspaceCapping.dailyQuotaGb"],
    "azure-native:applicationinsights:Component": ["resourceName", "kind", "ingestionMode", "workspaceResourceId"],
    "azure-native:machinelearningservices:Workspace": [
        "workspaceName", "sku.name", "identity", "containerRegistry", "publicNetworkAccess", "storageAccount", "keyVault",
        "applicationInsights",
    ],
    "azure-native:machinelearningservices:Compute": [
        "computeName", "properties.computeType", "properties.properties.vmSize", "properties.properties.sshSettings",
        "properties.properties.idleTimeBeforeShutdown", "properties.properties.subnet",
        "properties.properties.personalComputeInstanceSettings", "properties.properties.setupScripts",
        "properties.properties.scaleSettings", "identity",
    ],
    "azure-native:machinelearningservices:DataVersion": ["name", "version", "properties.dataType", "properties.dataUri"],
    "azure-native:machinelearningservices:CodeVersion": ["name", "version", "properties.codeUri"],
    "azure-native:machinelearningservices:ComponentVersion": ["name", "version", "properties.componentSpec.name"],
    "azure-native:machinelearningservices:Datastore": ["name", "properties.datastoreType", "properties.accountName", "properties.containerName"],
    "azure-native:resources:Resource": [
        "resourceProviderNamespace", "parentResourcePath", "resourceType", "resourceName", "apiVersion",
        "properties.jobType", "properties.experimentName", "properties.computeId",
    ],
    "azure-native:storage:BlobContainer": ["containerName", "publicAccess"],
    "azure-native:storage:Blob": ["containerName", "blobName", "type", "source"],
    "azure-native:authorization:RoleAssignment": ["principalId", "principalType", "roleDefinitionId", "scope"],
    "random:index/randomString:RandomString": ["length", "special", "upper"],
};

/** The resource options worth reading, always shown when set. */
export const KEY_OPTIONS = ["protect", "replaceOnChanges", "deleteBeforeReplace", "retainOnDelete", "customTimeouts", "deletedWith", "ignoreChanges"] as const;

export const NOT_SET = "(not set)";

/** How many top-level inputs an unlisted type shows. */
const GENERIC_LIMIT = 8;

/** The key settings of one resource as [path, text] pairs, from its (already redacted) inputs. */
export function keySettingsOf(type: string, custom: boolean, inputs: Record<string, unknown>): Array<[string, string]> {
    if (!custom) {
        return [];
    }
    const paths = KEY_SETTINGS[type] ??
        Object.keys(inputs).filter((key) => !key.startsWith("__") && isScalar(inputs[key])).sort().slice(0, GENERIC_LIMIT);
    return paths.map((path) => {
        const value = valueAt(inputs, path);
        return [path, value === undefined ? NOT_SET : formatValue(value)];
    });
}

/** The resource options that are set, as [name, text] pairs. */
export function keyOptionsOf(options: Record<string, unknown>): Array<[string, string]> {
    return KEY_OPTIONS.filter((name) => options[name] !== undefined).map((name) => [name, formatValue(options[name])]);
}

/** The value at a dot-separated path, or undefined when any step is missing (or hidden in a secret). */
export function valueAt(value: unknown, path: string): unknown {
    let current = value;
    for (const step of path.split(".")) {
        if (current === SECRET_TEXT) {
            return SECRET_TEXT;
        }
        if (typeof current !== "object" || current === null) {
            return undefined;
        }
        current = (current as Record<string, unknown>)[step];
    }
    return current;
}

/** A value in one short line: strings bare, everything else as compact JSON-like text. */
export function formatValue(value: unknown): string {
    if (typeof value === "string") {
        return value;
    }
    if (Array.isArray(value)) {
        return `[${value.map(formatValue).join(", ")}]`;
    }
    if (typeof value === "object" && value !== null) {
        return `{${Object.entries(value).map(([key, item]) => `${key}: ${formatValue(item)}`).join(", ")}}`;
    }
    return String(value);
}

function isScalar(value: unknown): boolean {
    return value === null || ["string", "number", "boolean"].includes(typeof value);
}
