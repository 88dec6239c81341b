/**
 * The Azure ML pipeline job body (`properties` of `PUT <workspace>/jobs/<name>`), built from the graph.
 *
 * The format is the one the Azure ML Python SDK v2 puts on the wire (see
 * ../shared/reference/azure-ml-rest.md): typed camelCase at the top (`jobType`, `inputs` with
 * `jobInputType`, `outputs` with `jobOutputType`), untyped snake_case `settings`, and `jobs` whose nodes
 * mix `componentId`/`computeId` with snake_case `job_input_type`. Checked against those notes, not
 * against a live workspace. Pure: the same function makes the body sent to Azure and, with content
 * identities in place of ARM ids, the definition that names the job.
 */
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { Binding, PipelineGraph } from "./graph";

/** The typed body azure-native declares for a pipeline job. */
export type PipelineJobArgs = azureInputs.machinelearningservices.PipelineJobArgs;

/** A step input on the wire: every binding and value is a literal string. */
export interface NodeInput {
    readonly job_input_type: "literal";
    readonly value: string;
}

/** A step output promoted to a pipeline output. */
export interface NodeOutput {
    readonly type: "literal";
    readonly value: string;
}

/** A command step of the pipeline job. */
export interface CommandNode {
    readonly type: "command";
    readonly name: string;
    readonly componentId: string;
    /** Only for a step with compute of its own; the others run on `settings.default_compute`. */
    readonly computeId?: string;
    readonly inputs?: Readonly<Record<string, NodeInput>>;
    readonly outputs?: Readonly<Record<string, NodeOutput>>;
}

/** The pipeline settings, snake_case as the service reads them. */
export interface PipelineSettings {
    readonly default_compute?: string;
    readonly default_datastore: string;
    readonly continue_on_step_failure: boolean;
}

/** The job body: azure-native's typed PipelineJobArgs, with its untyped `jobs` and `settings` made exact. */
export type PipelineJobBody = PipelineJobArgs & {
    readonly jobType: "Pipeline";
    readonly experimentName: string;
    readonly displayName: string;
    readonly inputs: Readonly<Record<string, DataInput>>;
    readonly outputs: Readonly<Record<string, { jobOutputType: "uri_folder"; mode: "ReadWriteMount" }>>;
    readonly settings: PipelineSettings;
    readonly jobs: Readonly<Record<string, CommandNode>>;
};

/** A pipeline input: a registered data asset, mounted read-only. */
export type DataInput =
    | { readonly jobInputType: "uri_file"; readonly uri: string; readonly mode: "ReadOnlyMount" }
    | { readonly jobInputType: "uri_folder"; readonly uri: string; readonly mode: "ReadOnlyMount" };

/** What the body refers to: ids of the registered assets and of the compute. */
export interface JobReferences {
    /** Component name → the component version's ARM id. */
    readonly componentIds: Readonly<Record<string, string>>;
    /** Pipeline input → the data version's ARM id. */
    readonly inputUris: Readonly<Record<string, string>>;
    /** The compute every step runs on unless it has its own; undefined for none. */
    readonly defaultComputeId: string | undefined;
    /** Step → its own compute. */
    readonly stepComputeIds: Readonly<Record<string, string>>;
    /** The default datastore's ARM id (`<workspace id>/datastores/workspaceblobstore`). */
    readonly defaultDatastoreId: string;
}

/** The run's own settings. */
export interface JobSettings {
    readonly experimentName: string;
    readonly displayName: string;
    readonly description: string | undefined;
    readonly continueOnStepFailure: boolean;
}

/**
 * A literal as the SDK sends it: Python's `str()` of the value, so booleans are `True`/`False` (what
 * run_local.py passes too). Numbers use JavaScript's text, which is Python's except for whole floats
 * (`1.0` in YAML is sent as `1`).
 */
export function literalText(value: string | number | boolean): string {
    if (typeof value === "boolean") {
        return value ? "True" : "False";
    }
    return String(value);
}

/** The `${{...}}` text of a binding, or the literal's text. */
export function bindingText(binding: Binding): string {
    switch (binding.kind) {
        case "pipelineInput":
            return `\${{parent.inputs.${binding.input}}}`;
        case "nodeOutput":
            return `\${{parent.jobs.${binding.node}.outputs.${binding.port}}}`;
        case "literal":
            return literalText(binding.value);
    }
}

/** The job body for a checked graph. Every reference must be present: a missing one is a bug here. */
export function buildJobBody(graph: PipelineGraph, refs: JobReferences, settings: JobSettings): PipelineJobBody {
    const require = (table: Readonly<Record<string, string>>, key: string, what: string): string => {
        const value = table[key];
        if (value === undefined) {
            throw new Error(`buildJobBody: no ${what} for ${key}`);
        }
        return value;
    };
    const inputs: PipelineJobBody["inputs"] = Object.fromEntries(
        Object.entries(graph.inputs).map(([name, input]): [string, DataInput] => {
            const uri = require(refs.inputUris, name, "data asset id");
            return [name, input.type === "uri_file"
                ? { jobInputType: "uri_file", uri, mode: "ReadOnlyMount" }
                : { jobInputType: "uri_folder", uri, mode: "ReadOnlyMount" }];
        }),
    );
    const outputs: PipelineJobBody["outputs"] = Object.fromEntries(
        Object.keys(graph.outputs).map((name) => [name, { jobOutputType: "uri_folder", mode: "ReadWriteMount" }]),
    );
    const jobs: Record<string, CommandNode> = {};
    for (const node of Object.values(graph.jobs)) {
        const nodeInputs = Object.entries(node.inputs).map(
            ([port, binding]): [string, NodeInput] => [port, { job_input_type: "literal", value: bindingText(binding) }],
        );
        const nodeOutputs = Object.entries(node.outputs).map(
            ([port, promoted]): [string, NodeOutput] => [port, { type: "literal", value: `\${{parent.outputs.${promoted}}}` }],
        );
        const computeId = refs.stepComputeIds[node.name];
        jobs[node.name] = {
            type: "command",
            name: node.name,
            componentId: require(refs.componentIds, node.component.name, "component id"),
            ...(computeId !== undefined ? { computeId } : {}),
            ...(nodeInputs.length > 0 ? { inputs: Object.fromEntries(nodeInputs) } : {}),
            ...(nodeOutputs.length > 0 ? { outputs: Object.fromEntries(nodeOutputs) } : {}),
        };
    }
    return {
        jobType: "Pipeline",
        experimentName: settings.experimentName,
        displayName: settings.displayName,
        ...(settings.description !== undefined ? { description: settings.description } : {}),
        inputs,
        outputs,
        settings: {
            ...(refs.defaultComputeId !== undefined ? { default_compute: refs.defaultComputeId } : {}),
            default_datastore: refs.defaultDatastoreId,
            continue_on_step_failure: settings.continueOnStepFailure,
        },
        jobs,
    };
}
