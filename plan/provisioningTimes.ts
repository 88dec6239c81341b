/**
 * Typical time Azure takes to create one resource of each type, for the plan's deployment estimate.
 * The one table of these figures: the text, JSON and Markdown renderers, the README and the tests all
 * read it from here.
 *
 * What the figures are: the wall time of one create, from the ARM PUT to the end of its long-running
 * operation as `pulumi up` waits for it, in a quiet region for the lab's settings. They are typical
 * values, not promises: Azure's own times vary with the region, the hour and quotas, by a factor of two
 * or more for compute. Sources, in order of weight:
 * - the lab (../shared/lab/LAB.md): the portal needs "about 5 minutes" for the workspace with its
 *   storage account, key vault and Application Insights; the pipeline job then runs about 10 minutes
 *   (after its create has returned: the job's run is not part of the deployment);
 * - components/computeInstance.ts: "Azure usually needs 4-8 minutes to create" a compute instance;
 * - the team's working figures (issue 4: resource group seconds, storage ~30 s, key vault ~20 s, Log
 *   Analytics ~30 s, App Insights ~15 s, workspace 2-3 min, compute instance ~6 min, blobs ~2 s, asset
 *   versions ~5 s, job submit ~10 s), consistent with the two sources above (30 + 20 + 30 + 15 s of
 *   dependencies plus 2-3 min of workspace is the portal's "about 5 minutes");
 * - ARM's pattern: a resource group, a container or a blob is one synchronous PUT; the others are
 *   long-running operations that pulumi up polls until they end;
 * - where none of these says anything: an assumption, marked `basis: "assumed"`.
 * Change a figure here when measured deployments (pulumi up's per-resource durations) say otherwise.
 */

/** Where a figure comes from: a documented or observed typical time, or an assumption. */
export type TimeBasis = "typical" | "assumed";

export interface ProvisioningTime {
    /** Seconds for one create. */
    readonly seconds: number;
    /** The range behind the figure, in words, for the README and the reports. */
    readonly range: string;
    readonly basis: TimeBasis;
    readonly note: string;
}

/**
 * Keyed by Pulumi type token; a `#variant` key refines a token whose inputs decide the time (a Compute's
 * `properties.computeType`, a generic ARM Resource's `<namespace>/<resourceType>`).
 */
export const PROVISIONING_TIMES: Readonly<Record<string, ProvisioningTime>> = {
    "azure-native:resources:ResourceGroup": {
        seconds: 5, range: "2-10 s", basis: "typical", note: "a synchronous ARM PUT",
    },
    "azure-native:storage:StorageAccount": {
        seconds: 30, range: "20-60 s", basis: "typical", note: "long-running create; most of the portal's workspace wait",
    },
    "azure-native:keyvault:Vault": {
        seconds: 20, range: "10-30 s", basis: "typical", note: "long-running create",
    },
    "azure-native:operationalinsights:Workspace": {
        seconds: 30, range: "15-60 s", basis: "typical", note: "long-running create",
    },
    "azure-native:applicationinsights:Component": {
        seconds: 15, range: "5-30 s", basis: "typical", note: "synchronous PUT, then the link to Log Analytics",
    },
    "azure-native:machinelearningservices:Workspace": {
        seconds: 150, range: "2-3 min", basis: "typical", note: "checks and wires its storage, key vault and App Insights",
    },
    "azure-native:machinelearningservices:Compute#ComputeInstance": {
        seconds: 360, range: "4-8 min", basis: "typical", note: "a VM provisioned and set up until Running",
    },
    "azure-native:machinelearningservices:Compute#AmlCompute": {
        seconds: 60, range: "30 s-2 min", basis: "assumed", note: "a cluster with no nodes yet (min nodes 0): nodes start with the first job",
    },
    "azure-native:machinelearningservices:Compute": {
        seconds: 360, range: "4-8 min", basis: "assumed", note: "compute of another kind: taken as long as an instance",
    },
    "azure-native:machinelearningservices:Datastore": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a workspace record",
    },
    "azure-native:machinelearningservices:DataVersion": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a workspace record; the data itself is uploaded as a blob",
    },
    "azure-native:machinelearningservices:CodeVersion": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a workspace record; the code itself is uploaded as blobs",
    },
    "azure-native:machinelearningservices:ComponentVersion": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a workspace record",
    },
    "azure-native:machinelearningservices:Job": {
        seconds: 10, range: "5-20 s", basis: "assumed", note: "the submit only: the job runs on after its create returns",
    },
    "azure-native:resources:Resource#Microsoft.MachineLearningServices/jobs": {
        seconds: 10, range: "5-20 s", basis: "assumed", note: "a pipeline job submit; the run (about 10 min in the lab) comes after",
    },
    "azure-native:storage:BlobContainer": {
        seconds: 2, range: "1-5 s", basis: "typical", note: "a synchronous PUT",
    },
    "azure-native:storage:Blob": {
        seconds: 2, range: "1-5 s", basis: "typical", note: "an upload of a small file",
    },
    "azure-native:authorization:RoleAssignment": {
        seconds: 5, range: "2-30 s", basis: "typical", note: "the PUT; Entra may take minutes more to apply it",
    },
    // The workspace's optional private networking, diagnostics and lock (scenario stacks secure, max).
    "azure-native:network:PrivateEndpoint": {
        seconds: 60, range: "30 s-2 min", basis: "typical", note: "the endpoint's network interface and connection approval",
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        seconds: 10, range: "5-30 s", basis: "assumed", note: "writes the endpoint's A records",
    },
    "azure-native:privatedns:PrivateZone": {
        seconds: 30, range: "20-60 s", basis: "typical", note: "a global resource",
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        seconds: 30, range: "20-60 s", basis: "typical", note: "",
    },
    "azure-native:monitor:DiagnosticSetting": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a configuration write",
    },
    "azure-native:authorization:ManagementLockByScope": {
        seconds: 5, range: "2-10 s", basis: "assumed", note: "a configuration write",
    },
    // Every dynamic resource (`pulumi-nodejs:dynamic/<module>:<Type>` too): the project's own code.
    "pulumi-nodejs:dynamic:Resource": {
        seconds: 5, range: "unknown", basis: "assumed", note: "the project's own code; its create may do anything (the workspace purge does nothing until delete)",
    },
};

/** The time of a type token that the table does not know; such resources are flagged in the plan. */
export const UNKNOWN_TYPE_TIME: ProvisioningTime = {
    seconds: 60, range: "unknown", basis: "assumed", note: "not in plan/provisioningTimes.ts: a guess",
};

/** Types that take no time: components exist only in Pulumi's state, random values are made locally. */
const INSTANT_PREFIXES = ["random:", "pulumi:providers:", "tls:", "command:"];

/** Where a figure came from for one resource: its table key, or why none applies. */
export interface TimeLookup extends ProvisioningTime {
    /** The table key used, `component` / `local` for the zero-time kinds, or undefined when unknown. */
    readonly key: string | undefined;
}

/** The provisioning time of one resource from its type and inputs. */
export function provisioningTimeOf(type: string, custom: boolean, inputs: Record<string, unknown>): TimeLookup {
    if (!custom) {
        return { seconds: 0, range: "0 s", basis: "typical", note: "a component: nothing in Azure", key: "component" };
    }
    if (INSTANT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
        return { seconds: 0, range: "0 s", basis: "typical", note: "made locally by its provider", key: "local" };
    }
    for (const key of [variantKey(type, inputs), type, DYNAMIC.test(type) ? DYNAMIC_KEY : undefined]) {
        if (key !== undefined && PROVISIONING_TIMES[key] !== undefined) {
            return { ...PROVISIONING_TIMES[key], key };
        }
    }
    return { ...UNKNOWN_TYPE_TIME, key: undefined };
}

/** Dynamic resources may name their own type (`pulumi-nodejs:dynamic/<module>:<Type>`); one entry covers all. */
const DYNAMIC = /^pulumi-nodejs:dynamic[/:]/;
const DYNAMIC_KEY = "pulumi-nodejs:dynamic:Resource";

function variantKey(type: string, inputs: Record<string, unknown>): string | undefined {
    if (type === "azure-native:machinelearningservices:Compute") {
        const computeType = (inputs.properties as { computeType?: unknown } | undefined)?.computeType;
        return typeof computeType === "string" ? `${type}#${computeType}` : undefined;
    }
    if (type === "azure-native:resources:Resource") {
        const { resourceProviderNamespace, resourceType } = inputs as Record<string, unknown>;
        return typeof resourceProviderNamespace === "string" && typeof resourceType === "string"
            ? `${type}#${resourceProviderNamespace}/${resourceType}`
            : undefined;
    }
    return undefined;
}

/** Seconds as people read them: `45 s`, `2 min 30 s`, `1 h 05 min`. */
export function formatDuration(seconds: number): string {
    const whole = Math.round(seconds);
    if (whole < 60) {
        return `${whole} s`;
    }
    if (whole < 3600) {
        const rest = whole % 60;
        return rest === 0 ? `${Math.floor(whole / 60)} min` : `${Math.floor(whole / 60)} min ${rest} s`;
    }
    const minutes = Math.round((whole % 3600) / 60);
    return `${Math.floor(whole / 3600)} h ${String(minutes).padStart(2, "0")} min`;
}
