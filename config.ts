/**
 * The one place that reads and validates the stack's configuration.
 *
 * Every project setting is declared here with its type and default, mirroring `Pulumi.yaml` (a test
 * keeps the two equal: under unit-test mocks nothing applies the `Pulumi.yaml` defaults). Bad input
 * becomes one pulumi.RunError that names each bad setting, its value and the rule, before any resource
 * is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { Dp100LabArgs, LAB_DEFAULTS, labArgsProblems, TrainingCompute } from "./components/lab";
import { isValidName, NAME_RULES, NameRuleKey } from "./components/naming";
import { idleShutdownProblem, integerRangeProblem, regionProblem, vmSizeProblem } from "./components/validation";

/** The config key that each stack must set: the region, read by azure-native too. */
export const REGION_KEY = "azure-native:location";

/** The value of `idleShutdown` that turns idle shutdown off. */
export const IDLE_SHUTDOWN_OFF = "off";

type SettingValue = string | number | boolean;

/** A project setting as `Pulumi.yaml` declares it, plus the rule its value must follow. */
export interface SettingSpec {
    readonly type: "string" | "integer" | "boolean";
    readonly default: SettingValue;
    readonly description: string;
    /** The problem with a well-typed value, or undefined when it is fine. */
    readonly check?: (value: never) => string | undefined;
}

const nameCheck = (kind: NameRuleKey) => (value: string) =>
    isValidName(kind, value) ? undefined : `is not a valid ${NAME_RULES[kind].resource} name: ${NAME_RULES[kind].description}`;

/** Every project setting, keyed without the project namespace (e.g. `workspaceName`). */
export const SETTINGS = {
    resourceGroupName: {
        type: "string",
        default: LAB_DEFAULTS.resourceGroupName,
        description: "The resource group to create.",
        check: nameCheck("resourceGroup"),
    },
    workspaceName: {
        type: "string",
        default: LAB_DEFAULTS.workspaceName,
        description: "The Azure ML workspace name; the storage, key vault, Log Analytics, App Insights and compute instance names derive from it.",
        check: nameCheck("mlWorkspace"),
    },
    computeInstanceVmSize: {
        type: "string",
        default: LAB_DEFAULTS.computeInstanceVmSize,
        description: "The compute instance's VM size.",
        check: vmSizeProblem,
    },
    idleShutdown: {
        type: "string",
        default: LAB_DEFAULTS.idleTimeBeforeShutdown,
        description: "Idle time before the compute instance shuts down, an ISO 8601 duration from PT15M to P3D, or 'off'.",
        check: (value: string) => (value === IDLE_SHUTDOWN_OFF ? undefined : idleShutdownProblem(value)),
    },
    logAnalyticsRetentionDays: {
        type: "integer",
        default: LAB_DEFAULTS.logAnalyticsRetentionDays,
        description: "Days the Log Analytics workspace keeps data (30-730).",
        check: (value: number) => integerRangeProblem(value, 30, 730),
    },
    logAnalyticsDailyCapGb: {
        type: "integer",
        default: 0,
        description: "Daily Log Analytics ingestion cap in GB; 0 means no cap.",
        check: (value: number) => integerRangeProblem(value, 0, 10000),
    },
    keyVaultPurgeProtection: {
        type: "boolean",
        default: LAB_DEFAULTS.keyVaultPurgeProtection,
        description: "Key vault purge protection. Irreversible - once on, it can never be turned off and the vault name stays reserved after destroy.",
    },
    purgeOnDestroy: {
        type: "boolean",
        default: LAB_DEFAULTS.purgeOnDestroy,
        description: "Permanently delete (purge) the workspace on destroy, so the same names can be deployed again at once; off when protect is on.",
    },
    submitTrainingJob: {
        type: "boolean",
        default: LAB_DEFAULTS.submitTrainingJob,
        description: "Submit the training pipeline job (experiment train-regression-designer); false registers its data, code and components only.",
    },
    trainingCompute: {
        type: "string",
        default: LAB_DEFAULTS.trainingCompute,
        description: "Where the training pipeline runs - instance (the compute instance) or cluster (needs computeCluster).",
        check: (value: string) => (Object.values(TrainingCompute) as string[]).includes(value)
            ? undefined
            : `must be ${Object.values(TrainingCompute).join(" or ")}`,
    },
    protect: {
        type: "boolean",
        default: LAB_DEFAULTS.protect,
        description: "Protect the workspace, storage account and key vault from deletion, and turn purge on destroy off (for stacks that are not a throwaway lab).",
    },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

type FieldType = "string" | "integer" | "boolean" | "list";

/**
 * A structured setting: objects and lists cannot be typed in Pulumi.yaml, so they live in stack files
 * only. Their shape is checked here; their values by the components' own checks (labArgsProblems).
 */
export interface StructuredSettingSpec {
    /** `object`: named fields; `list`: a list of objects with named fields; `map`: string to string. */
    readonly kind: "object" | "list" | "map";
    readonly description: string;
    readonly fields?: Readonly<Record<string, FieldType>>;
    readonly required?: readonly string[];
}

/** Every structured project setting (stack files only), keyed without the namespace. */
export const STRUCTURED_SETTINGS = {
    tags: { kind: "map", description: "Tags on every resource that takes them." },
    workspace: {
        kind: "object",
        description: "The workspace's options: private endpoint or managed network, customer-managed key, diagnostics, lock.",
        fields: {
            privateEndpointSubnetId: "string", storageAllowedIpRanges: "list", managedNetworkIsolationMode: "string",
            customerManagedKeyVaultId: "string", customerManagedKeyUri: "string", customerManagedKeyIdentityId: "string",
            diagnosticSettings: "boolean", lock: "string",
        },
    },
    computeInstance: {
        kind: "object",
        description: "The compute instance's options beyond the lab's settings.",
        fields: {
            assignedUserObjectId: "string", assignedUserTenantId: "string", setupScriptInline: "string",
            setupScriptFile: "string", setupScriptTimeoutMinutes: "integer", sshPublicKey: "string",
            schedules: "list", subnetId: "string", disableNodePublicIp: "boolean",
        },
    },
    computeCluster: {
        kind: "object",
        description: "A compute cluster (AmlCompute) in the workspace.",
        fields: {
            name: "string", vmSize: "string", minNodes: "integer", maxNodes: "integer",
            idleTimeBeforeScaleDown: "string", lowPriority: "boolean", sshPublicKey: "string",
            subnetId: "string", disableNodePublicIp: "boolean",
        },
        required: ["name"],
    },
    learners: {
        kind: "list",
        description: "Learners who each get an assigned compute instance and the AzureML Data Scientist role.",
        fields: { displayName: "string", objectId: "string" },
        required: ["displayName", "objectId"],
    },
    classroom: {
        kind: "object",
        description: "Settings of the learners' compute instances.",
        fields: { vmSize: "string", idleTimeBeforeShutdown: "string", skipRoleAssignments: "boolean" },
    },
} as const satisfies Record<string, StructuredSettingSpec>;

export type StructuredSettingKey = keyof typeof STRUCTURED_SETTINGS;

/** The validated configuration: the lab component's arguments. */
export type LabConfig = Dp100LabArgs & { readonly location: string };

/** Reads and validates the stack's configuration; throws one RunError listing every problem. */
export function loadConfig(): LabConfig {
    const all = pulumi.runtime.allConfig();
    const namespace = pulumi.getProject();
    const { values, problems } = parseSettings(namespace, all);
    const region = all[REGION_KEY];
    const choose = "every stack must choose its region (pulumi config set azure-native:location westeurope)";
    if (region === undefined) {
        problems.unshift(`${REGION_KEY} is not set: ${choose}.`);
    } else if (region.trim() === "") {
        problems.unshift(`${REGION_KEY} ${JSON.stringify(region)} is empty: ${choose}.`);
    } else {
        const problem = regionProblem(region);
        if (problem) {
            problems.unshift(`${REGION_KEY} ${JSON.stringify(region)} ${problem}.`);
        }
    }
    const structured = parseStructuredSettings(namespace, all, problems);
    const purgeKey = `${namespace}:purgeOnDestroy`;
    const purgeAsked = all[purgeKey] === "true";
    if (values.protect === true && purgeAsked) {
        problems.push(`${purgeKey} "true" cannot be combined with ${namespace}:protect "true": a protected workspace is never purged; remove one of them.`);
    }
    if (problems.length > 0) {
        throw new pulumi.RunError(problems.join("\n"));
    }
    const idleShutdown = values.idleShutdown as string;
    const dailyCap = values.logAnalyticsDailyCapGb as number;
    const config: LabConfig = {
        location: region as string,
        resourceGroupName: values.resourceGroupName as string,
        workspaceName: values.workspaceName as string,
        computeInstanceVmSize: values.computeInstanceVmSize as string,
        ...(idleShutdown === IDLE_SHUTDOWN_OFF
            ? { disableIdleShutdown: true }
            : { idleTimeBeforeShutdown: idleShutdown }),
        logAnalyticsRetentionDays: values.logAnalyticsRetentionDays as number,
        ...(dailyCap > 0 ? { logAnalyticsDailyCapGb: dailyCap } : {}),
        keyVaultPurgeProtection: values.keyVaultPurgeProtection as boolean,
        protect: values.protect as boolean,
        submitTrainingJob: values.submitTrainingJob as boolean,
        trainingCompute: values.trainingCompute as TrainingCompute,
        // protect (and a workspace lock) turn purge off unless purge was asked for explicitly, which
        // is refused above (protect) or by the workspace's own check (lock).
        ...(all[purgeKey] !== undefined ? { purgeOnDestroy: values.purgeOnDestroy as boolean } : {}),
        ...(structured as Omit<Partial<Dp100LabArgs>, "location">),
    };
    // The values inside structured settings, with the components' own checks: still before any resource.
    const labProblems = labArgsProblems(config);
    if (labProblems.length > 0) {
        throw new pulumi.RunError(labProblems.map((p) => `${namespace}:${p.option}: ${p.message}`).join("\n"));
    }
    return config;
}

/** Parses the structured settings (JSON from the stack file) and checks their shape. */
function parseStructuredSettings(
    namespace: string,
    all: Record<string, string>,
    problems: string[],
): Partial<Record<StructuredSettingKey, unknown>> {
    const result: Partial<Record<StructuredSettingKey, unknown>> = {};
    for (const key of Object.keys(STRUCTURED_SETTINGS) as StructuredSettingKey[]) {
        const spec: StructuredSettingSpec = STRUCTURED_SETTINGS[key];
        const fullKey = `${namespace}:${key}`;
        const raw = all[fullKey];
        if (raw === undefined) {
            continue;
        }
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch {
            value = raw;
        }
        const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
        if (spec.kind === "list") {
            if (!Array.isArray(value)) {
                problems.push(`${fullKey} ${JSON.stringify(value)} must be a list (a structured value in the stack file).`);
                continue;
            }
            const before = problems.length;
            value.forEach((item, index) => {
                if (!isObject(item)) {
                    problems.push(`${fullKey}[${index}] ${JSON.stringify(item)} must be an object with the fields ${Object.keys(spec.fields ?? {}).join(", ")}.`);
                } else {
                    checkFields(`${fullKey}[${index}]`, item, spec, problems);
                }
            });
            if (problems.length === before) {
                result[key] = value;
            }
            continue;
        }
        if (!isObject(value)) {
            problems.push(`${fullKey} ${JSON.stringify(value)} must be an object (a structured value in the stack file).`);
            continue;
        }
        const before = problems.length;
        if (spec.kind === "map") {
            for (const [name, tag] of Object.entries(value)) {
                if (typeof tag !== "string") {
                    problems.push(`${fullKey}: ${name} ${JSON.stringify(tag)} must be a string.`);
                }
            }
        } else {
            checkFields(fullKey, value, spec, problems);
        }
        if (problems.length === before) {
            result[key] = value;
        }
    }
    return result;
}

/** Checks an object's fields against a structured setting's spec: known names, types, required ones. */
function checkFields(where: string, value: Record<string, unknown>, spec: StructuredSettingSpec, problems: string[]): void {
    const fields = spec.fields ?? {};
    for (const [name, fieldValue] of Object.entries(value)) {
        const type = fields[name];
        if (type === undefined) {
            problems.push(`${where}: ${name} is not a field of this setting: the fields are ${Object.keys(fields).join(", ")}.`);
            continue;
        }
        const ok = type === "list" ? Array.isArray(fieldValue)
            : type === "integer" ? Number.isInteger(fieldValue)
                : typeof fieldValue === type;
        if (!ok) {
            problems.push(`${where}: ${name} ${JSON.stringify(fieldValue)} must be ${FIELD_TYPE_WORDS[type]}.`);
        }
    }
    for (const name of spec.required ?? []) {
        if (value[name] === undefined) {
            problems.push(`${where}: ${name} is required.`);
        }
    }
}

const FIELD_TYPE_WORDS = { string: "a string", integer: "a whole number", boolean: "true or false", list: "a list" } as const;

/** Parses the project's settings from raw config strings, with defaults for the ones not set. */
export function parseSettings(
    namespace: string,
    all: Record<string, string>,
): { values: Record<SettingKey, SettingValue>; problems: string[] } {
    const problems: string[] = [];
    const values = {} as Record<SettingKey, SettingValue>;
    const known = Object.keys(SETTINGS) as SettingKey[];
    const allKnown = [...known, ...Object.keys(STRUCTURED_SETTINGS)];

    for (const fullKey of Object.keys(all).sort()) {
        const [prefix, key] = splitKey(fullKey);
        if (prefix === namespace && !allKnown.includes(key)) {
            const hint = closest(key, allKnown);
            problems.push(
                `${fullKey} ${JSON.stringify(all[fullKey])} is not a setting of this project` +
                (hint ? `: did you mean ${namespace}:${hint}?` : `: the settings are ${allKnown.join(", ")}.`),
            );
        }
    }

    for (const key of known) {
        const spec: SettingSpec = SETTINGS[key];
        const fullKey = `${namespace}:${key}`;
        const raw = all[fullKey];
        if (raw === undefined) {
            values[key] = spec.default;
            continue;
        }
        const parsed = parseTyped(spec.type, raw);
        if (parsed === undefined) {
            problems.push(`${fullKey} ${JSON.stringify(raw)} must be ${TYPE_WORDS[spec.type]}.`);
            continue;
        }
        const problem = spec.check?.(parsed as never);
        if (problem) {
            problems.push(`${fullKey} ${JSON.stringify(raw)} ${problem}.`);
            continue;
        }
        values[key] = parsed;
    }
    return { values, problems };
}

const TYPE_WORDS = { string: "a string", integer: "a whole number", boolean: "true or false" } as const;

function parseTyped(type: SettingSpec["type"], raw: string): SettingValue | undefined {
    switch (type) {
        case "string":
            return raw;
        case "integer":
            return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
        case "boolean":
            return raw === "true" ? true : raw === "false" ? false : undefined;
    }
}

function splitKey(fullKey: string): [string, string] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}

/** The known key nearest to a mistyped one (same letters ignoring case, or at most 2 edits away). */
function closest(key: string, known: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const distance = name.toLowerCase() === key.toLowerCase() ? 0 : editDistance(name, key);
        if (distance <= 2 && (!best || distance < best.distance)) {
            best = { name, distance };
        }
    }
    return best?.name;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}
