/**
 * An in-process stand-in for the Pulumi engine: Pulumi's own mock monitor, plus a record of everything
 * the program registers (type, name, parent, inputs, dependencies and resource options).
 *
 * The unit tests and the offline plan both run the real program against it; neither needs the Pulumi
 * CLI, Azure or a network. Outputs resolve to what the program gave (and to fake ids and names), so what
 * it records is the program's intent, never Azure's answer.
 */
import * as pulumi from "@pulumi/pulumi";

/** One registered resource, as the engine would receive it. */
export interface RegisteredResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The parent's URN, or undefined for the stack itself. */
    readonly parent: string | undefined;
    /** True for a provider-managed resource, false for a component. */
    readonly custom: boolean;
    readonly inputs: Record<string, unknown>;
    /** URNs this resource depends on, explicitly or through its inputs. */
    readonly dependencies: string[];
    readonly options: RegisteredOptions;
}

/** The resource options the engine sees, with unset ones left out. */
export interface RegisteredOptions {
    readonly protect?: boolean;
    readonly deleteBeforeReplace?: boolean;
    readonly retainOnDelete?: boolean;
    readonly replaceOnChanges?: string[];
    readonly ignoreChanges?: string[];
    readonly deletedWith?: string;
    readonly additionalSecretOutputs?: string[];
    readonly customTimeouts?: { create?: string; update?: string; delete?: string };
}

/** One invoke (data-source call) the program made. */
export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, unknown>;
}

/** Answers the invokes a program may make; anything else is an error, so a new invoke fails loudly. */
export type InvokeAnswers = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;

/** Fake values for the invokes this project makes. */
export const DEFAULT_INVOKE_ANSWERS: InvokeAnswers = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-0000-0000-0000000000c1",
        objectId: "00000000-0000-0000-0000-00000000000b",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        tenantId: "00000000-0000-0000-0000-00000000000a",
    }),
    // A customer-managed key's vault, read at preview to check its purge protection (MlWorkspace).
    "azure-native:keyvault:getVault": (inputs) => ({
        name: inputs.vaultName,
        properties: { enablePurgeProtection: true, enableSoftDelete: true },
    }),
};

export const FAKE_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";

/** What one run of a program against the double produced. */
export interface EngineRecord {
    readonly resources: RegisteredResource[];
    readonly invokes: RecordedInvoke[];
}

export interface EngineDoubleOptions {
    readonly project: string;
    readonly stack: string;
    /** Raw config as the CLI would pass it: `"<namespace>:<key>": "<string value>"`. */
    readonly config: Record<string, string>;
    /** True to run as `pulumi preview` does (unknown outputs stay unknown). Defaults to false. */
    readonly preview?: boolean;
    readonly invokeAnswers?: InvokeAnswers;
    /** Config keys whose values are secrets (so the program sees them as secret). */
    readonly secretKeys?: string[];
    /**
     * False to skip serializing dynamic providers' code: Pulumi's closure serializer parses every
     * captured function and requires every Node built-in, about a second per run, for an input nobody
     * reads offline. The `__provider` input then holds {@link UNSERIALIZED_PROVIDER}. Defaults to true.
     */
    readonly serializeDynamicProviders?: boolean;
}

/** What a dynamic resource's `__provider` input holds when its code was not serialized. */
export const UNSERIALIZED_PROVIDER = "[dynamic provider code: not serialized by the offline plan]";

/**
 * Installs the double for the current Pulumi runtime and returns the live record that fills as the
 * program registers resources. Call before the program's module is loaded.
 */
export async function installEngineDouble(options: EngineDoubleOptions): Promise<EngineRecord> {
    const record: EngineRecord = { resources: [], invokes: [] };
    const answers = options.invokeAnswers ?? DEFAULT_INVOKE_ANSWERS;
    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: fakeId(args), state: fakeState(args) }),
        call: (args) => {
            const answer = answers[args.token];
            if (!answer) {
                // `details` is what Pulumi's invoke passes on to the program as the error's message.
                const message = `unexpected invoke ${args.token}: the engine double has no answer for it`;
                throw Object.assign(new Error(message), { details: message });
            }
            record.invokes.push({ token: args.token, inputs: args.inputs });
            return answer(args.inputs);
        },
    }, options.project, options.stack, options.preview ?? false);
    pulumi.runtime.setAllConfig(options.config, options.secretKeys);
    if (options.serializeDynamicProviders === false) {
        skipProviderSerialization();
    }

    // Wrap the mock monitor to see what Pulumi's mocks do not pass on: parent, dependencies, options.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: (err: unknown, res: RegisterResponse) => void): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        register(req, (err, res) => {
            if (!err && res) {
                record.resources.push(toRegistered(req, res.getUrn()));
            }
            callback(err, res);
        });
    };
    return record;
}

/**
 * Replaces Pulumi's closure serializer, in this module registry, with one that returns a placeholder.
 * An SDK without this internal simply serializes as before.
 */
function skipProviderSerialization(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as { serializeFunction?: unknown };
    if (typeof closure.serializeFunction === "function") {
        closure.serializeFunction = async () => ({ text: UNSERIALIZED_PROVIDER, exportName: "handler", containsSecrets: false });
    }
}

/** The part of the engine's RegisterResourceRequest that the record reads. */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): unknown;
    getProtect(): boolean;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
    getRetainondelete(): boolean;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getDeletedwith(): string;
    getAdditionalsecretoutputsList(): string[];
    getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

interface RegisterResponse {
    getUrn(): string;
}

function toRegistered(req: RegisterRequest, urn: string): RegisteredResource {
    const timeouts = req.getCustomtimeouts();
    const customTimeouts = timeouts
        ? dropEmpty({ create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() })
        : {};
    const options: RegisteredOptions = dropEmpty({
        protect: req.getProtect() || undefined,
        deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
        retainOnDelete: req.getRetainondelete() || undefined,
        replaceOnChanges: nonEmpty(req.getReplaceonchangesList()),
        ignoreChanges: nonEmpty(req.getIgnorechangesList()),
        deletedWith: req.getDeletedwith() || undefined,
        additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
        customTimeouts: Object.keys(customTimeouts).length > 0 ? customTimeouts : undefined,
    });
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        parent: req.getParent() || undefined,
        custom: req.getCustom(),
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        inputs: pulumi.runtime.deserializeProperties(req.getObject() as any, true),
        dependencies: [...new Set(req.getDependenciesList())],
        options,
    };
}

function nonEmpty(list: string[]): string[] | undefined {
    return list.length > 0 ? list : undefined;
}

function dropEmpty<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== "")) as T;
}

/**
 * A fake but well-formed id: ARM-style for azure-native resources, so that ids used in other
 * resources' inputs (workspace → storage account) read like the real thing.
 */
function fakeId(args: pulumi.runtime.MockResourceArgs): string {
    if (!args.type.startsWith("azure-native:")) {
        return `${args.name}-id`;
    }
    const inputs = args.inputs as Record<string, string | undefined>;
    const group = inputs.resourceGroupName ?? "rg";
    const base = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/${group}`;
    const [, module, resource] = args.type.split(":");
    switch (`${module}:${resource}`) {
        case "resources:ResourceGroup":
            return base;
        case "storage:StorageAccount":
            return `${base}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}`;
        case "keyvault:Vault":
            return `${base}/providers/Microsoft.KeyVault/vaults/${inputs.vaultName}`;
        case "operationalinsights:Workspace":
            return `${base}/providers/Microsoft.OperationalInsights/workspaces/${inputs.workspaceName}`;
        case "applicationinsights:Component":
            return `${base}/providers/Microsoft.Insights/components/${inputs.resourceName}`;
        case "machinelearningservices:Workspace":
            return `${base}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`;
        case "machinelearningservices:Compute":
            return `${base}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}/computes/${inputs.computeName}`;
        case "machinelearningservices:DataVersion":
        case "machinelearningservices:CodeVersion":
        case "machinelearningservices:ComponentVersion": {
            // The asset's ARM id, as a pipeline job references it.
            const collection = { DataVersion: "data", CodeVersion: "codes", ComponentVersion: "components" }[resource];
            return `${base}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}/${collection}/${inputs.name}/versions/${inputs.version}`;
        }
        default:
            return `${base}/providers/fake/${resource}/${args.name}`;
    }
}

/** Echoes the inputs, plus the outputs Azure computes that the program reads. */
function fakeState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    // The most specific name input wins: a compute names its workspace too, every resource its group.
    const nameInputs = ["computeName", "accountName", "vaultName", "resourceName", "workspaceName", "resourceGroupName"];
    const state: Record<string, unknown> = { ...inputs };
    if (args.type === "random:index/randomString:RandomString") {
        // Deterministic, and shaped like the real result (lowercase letters and digits).
        state.result = "x".repeat(Math.max(0, Number(inputs.length ?? 6) - 3)) + "7k2".slice(0, Number(inputs.length ?? 6));
    }
    if (args.type === "azure-native:machinelearningservices:Workspace") {
        state.workspaceId = "11111111-2222-3333-4444-555555555555";
    }
    const own = nameInputs.map((key) => inputs[key]).find((value) => typeof value === "string");
    state.name = own ?? args.name;
    return state;
}
