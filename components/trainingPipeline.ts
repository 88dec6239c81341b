import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";
import { canonicalJson, ContentDigest, digestPath, hashText, uploadPath } from "./pipeline/contentHash";
import { checkPipeline, LoadedComponent, loadPipeline, PipelineGraph } from "./pipeline/graph";
import { buildJobBody, JobSettings } from "./pipeline/jobPayload";

/** Arguments of {@link TrainingPipeline}. */
export interface TrainingPipelineArgs {
    /** Required. The resource group of the workspace and of its storage account. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. The workspace's ARM id (`MlWorkspace.workspaceId`). */
    readonly workspaceId: pulumi.Input<string>;
    /**
     * Required. The workspace's GUID (`MlWorkspace.workspaceGuid`, the `workspaceId` output of
     * `ml.Workspace`): it names the default blob container, `azureml-blobstore-<guid>`, that Azure made
     * with the workspace and that receives the uploads.
     */
    readonly workspaceGuid: pulumi.Input<string>;
    /** Required. The workspace's storage account (in `resourceGroupName`). */
    readonly storageAccountName: pulumi.Input<string>;
    /**
     * Conditional. Required when `submitJob` is true, unless `stepComputeIds` gives every step its own
     * compute. The ARM id of the compute the pipeline runs on, a compute instance or a cluster
     * (`<workspace id>/computes/<name>`); it is the job's default compute, and changing it submits a new
     * job. Defaults to none, which fails at preview naming each step left without compute.
     */
    readonly computeId?: pulumi.Input<string>;
    /**
     * Optional. Compute of their own for some steps, by step name (e.g. a GPU cluster for one step),
     * as ARM ids. Changing one submits a new job. Defaults to none: every step runs on `computeId`.
     */
    readonly stepComputeIds?: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * Optional. The pipeline folder: `graph.yaml`, the component folders and the data it names. Its
     * name also prefixes the job name and the data asset names. Defaults to this repository's
     * `pipelines/automobile-price`.
     */
    readonly pipelineDir?: string;
    /** Optional. The experiment the job is filed under in the studio. Defaults to `train-regression-designer`. */
    readonly experimentName?: string;
    /** Optional. The job's display name in the studio. Defaults to `Automobile Price Prediction (Basic)`. */
    readonly displayName?: string;
    /** Optional. The job's description in the studio. Defaults to none. */
    readonly description?: string;
    /** Optional. Lets the other steps run on when one fails. Defaults to false. */
    readonly continueOnStepFailure?: boolean;
    /** Optional. The Entra tenant, added to the studio link so that it opens in the right directory. Defaults to none. */
    readonly tenantId?: pulumi.Input<string>;
    /**
     * Optional. Submits the pipeline job. False registers the data, code and components only, so that a
     * stack can offer them without running anything (and without compute). Defaults to true.
     */
    readonly submitJob?: boolean;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const TRAINING_PIPELINE_DEFAULTS = {
    pipelineDir: path.resolve(__dirname, "..", "pipelines", "automobile-price"),
    experimentName: "train-regression-designer",
    displayName: "Automobile Price Prediction (Basic)",
    continueOnStepFailure: false,
    submitJob: true,
} as const;

/** The Azure ML API version of the job (azure-native 3.28's default for machinelearningservices Job). */
export const ML_JOB_API_VERSION = "2025-12-01";
/** The workspace's default blob datastore, made by Azure with the workspace. */
export const DEFAULT_DATASTORE = "workspaceblobstore";
/** Where uploads go in the datastore's container, as the Azure ML SDK puts them. */
export const UPLOAD_ROOT = "LocalUpload";
/** Hex digits of a content hash used in upload folders, and in asset versions. */
export const UPLOAD_HASH_LENGTH = 32;
export const VERSION_LENGTH = 12;
/** Characters of the random part of the job name (lowercase letters and digits). */
export const JOB_SUFFIX_LENGTH = 8;

const EXPERIMENT_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;

/** The job name's prefix: the pipeline folder's name, kept to `[a-z0-9][a-z0-9_-]*`. */
export function jobNamePrefix(pipelineDir: string): string {
    const cleaned = path.basename(pipelineDir).toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[^a-z0-9]+/, "");
    return cleaned === "" ? "pipeline" : cleaned;
}

/** The data asset name of a pipeline input: `<pipeline folder>_<input>`, e.g. `automobile_price_raw_data`. */
export function dataAssetName(pipelineDir: string, input: string): string {
    const folder = path.basename(pipelineDir).toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
    return folder === "" ? input : `${folder}_${input}`;
}

/** One pipeline input as a data asset: what it uploads and how it is named. */
interface DataPlan {
    readonly input: string;
    readonly type: "uri_file" | "uri_folder";
    readonly digest: ContentDigest;
    readonly name: string;
    readonly version: string;
    readonly description: string;
}

/** One component as code and component assets. */
interface ComponentPlan {
    readonly component: LoadedComponent;
    readonly digest: ContentDigest;
    readonly codeVersion: string;
    readonly version: string;
}

/**
 * The lab's training pipeline in Azure ML: the data, code and components it needs, registered as
 * versioned assets, and the pipeline job, submitted once.
 *
 * Everything comes from the pipeline folder: `graph.yaml` (the steps and their bindings, the same file
 * run_local.py runs), each step's `component.yaml` and code, and the data file. The graph is checked
 * before any resource exists, so a wrong binding, port, cycle or a step without compute fails the
 * preview with a message naming the step and port.
 *
 * Files are uploaded, one blob each, to the workspace's default datastore under
 * `LocalUpload/<content hash>/`, as the Azure ML SDK does. Asset versions derive from content: assets
 * are immutable in Azure, so new content means a new version, never an update. The job's name is
 * `<pipeline folder>-<random>`, where the random part is made again whenever anything that defines the
 * run changes (components, code, data, settings, experiment, compute): Azure cannot change a submitted
 * job, so a change submits a new one, and the old job stays in the experiment's history.
 */
export class TrainingPipeline extends pulumi.ComponentResource {
    /** The job's name (unique in the workspace); undefined when `submitJob` is false. */
    public readonly jobName: pulumi.Output<string> | undefined;
    /** A link that opens the job in Azure ML studio; undefined when `submitJob` is false. */
    public readonly jobStudioUrl: pulumi.Output<string> | undefined;
    /** The experiment the job is filed under. */
    public readonly experimentName: pulumi.Output<string>;
    /** Data asset name by pipeline input, e.g. `{ raw_data: "automobile_price_raw_data" }`. */
    public readonly dataAssetNames: pulumi.Output<Record<string, string>>;
    /** Data asset version by pipeline input (content-derived). */
    public readonly dataAssetVersions: pulumi.Output<Record<string, string>>;
    /** The registered component versions' ARM ids, by component name. */
    public readonly componentIds: pulumi.Output<Record<string, string>>;
    /** The job resource (a generic ARM resource), for resources that must follow it; undefined when `submitJob` is false. */
    public readonly job: resources.Resource | undefined;

    constructor(name: string, args: TrainingPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:TrainingPipeline", name, {}, opts);

        const pipelineDir = path.resolve(args.pipelineDir ?? TRAINING_PIPELINE_DEFAULTS.pipelineDir);
        const submitJob = args.submitJob ?? TRAINING_PIPELINE_DEFAULTS.submitJob;
        const settings: JobSettings = {
            experimentName: args.experimentName ?? TRAINING_PIPELINE_DEFAULTS.experimentName,
            displayName: args.displayName ?? TRAINING_PIPELINE_DEFAULTS.displayName,
            description: args.description,
            continueOnStepFailure: args.continueOnStepFailure ?? TRAINING_PIPELINE_DEFAULTS.continueOnStepFailure,
        };
        const hasDefaultCompute = args.computeId !== undefined && args.computeId !== null && args.computeId !== "";
        const stepComputeIds = args.stepComputeIds ?? {};
        validateArgs(settings, this);
        const graph = loadCheckedGraph(pipelineDir, submitJob
            ? { hasDefault: hasDefaultCompute, steps: Object.keys(stepComputeIds) }
            : { hasDefault: true, steps: [] }, this);

        const childOpts = { parent: this };
        // Assets and uploads are immutable and belong to the workspace: retainOnDelete rather than
        // deletedWith, because this component gets the workspace by id (it may come from another
        // stack) and Azure refuses to delete data versions (and may refuse component versions) one by
        // one. A replaced version stays registered, as with the SDK, and every old job that used it
        // keeps working; destroying the workspace and its storage account removes them all. Versions
        // derive from everything sent, so a replacement never reuses a taken name and version.
        const assetOpts = { ...childOpts, retainOnDelete: true, replaceOnChanges: ["*"] };
        const container = pulumi.interpolate`azureml-blobstore-${args.workspaceGuid}`;
        const upload = (role: string, digest: ContentDigest): { blobs: storage.Blob[]; folder: string } => {
            const folder = `${UPLOAD_ROOT}/${digest.hash.slice(0, UPLOAD_HASH_LENGTH)}`;
            const blobs = digest.files.map((file) => new storage.Blob(`${name}-${role}-${file.relativePath}`, {
                resourceGroupName: args.resourceGroupName,
                accountName: args.storageAccountName,
                containerName: container,
                blobName: `${folder}/${uploadPath(digest, file)}`,
                type: storage.BlobType.Block,
                source: new pulumi.asset.FileAsset(file.absolutePath),
            }, { ...childOpts, retainOnDelete: true }));
            return { blobs, folder };
        };
        const common = { resourceGroupName: args.resourceGroupName, workspaceName: args.workspaceName };

        const dataPlans = planData(graph, pipelineDir);
        const dataIds: Record<string, pulumi.Output<string>> = {};
        for (const plan of dataPlans) {
            const { blobs, folder } = upload(`data-${plan.input}`, plan.digest);
            const uri = `azureml://datastores/${DEFAULT_DATASTORE}/paths/${folder}/${plan.digest.uploadName}`;
            const data = new ml.DataVersion(`${name}-data-${plan.input}`, {
                ...common,
                name: plan.name,
                version: plan.version,
                properties: plan.type === "uri_file"
                    ? { dataType: "uri_file", dataUri: uri, description: plan.description }
                    : { dataType: "uri_folder", dataUri: `${uri}/`, description: plan.description },
            }, { ...assetOpts, dependsOn: blobs });
            dataIds[plan.input] = data.id;
        }

        const componentPlans = planComponents(graph);
        const componentIds: Record<string, pulumi.Output<string>> = {};
        for (const plan of componentPlans) {
            const component = plan.component;
            const { blobs, folder } = upload(`code-${component.name}`, plan.digest);
            const code = new ml.CodeVersion(`${name}-code-${component.name}`, {
                ...common,
                name: component.name,
                version: plan.codeVersion,
                properties: {
                    codeUri: pulumi.interpolate`https://${args.storageAccountName}.blob.core.windows.net/${container}/${folder}/${plan.digest.uploadName}`,
                },
            }, { ...assetOpts, dependsOn: blobs });
            const description = component.spec.description;
            const registered = new ml.ComponentVersion(`${name}-component-${component.name}`, {
                ...common,
                name: component.name,
                version: plan.version,
                properties: {
                    componentSpec: code.id.apply((codeId) => ({ ...component.spec, version: plan.version, code: `azureml:${codeId}` })),
                    ...(typeof description === "string" ? { description } : {}),
                },
            }, assetOpts);
            componentIds[component.name] = registered.id;
        }

        if (submitJob) {
            const definition = {
                apiVersion: ML_JOB_API_VERSION,
                // The body with content identities where Azure's ids will go: everything that defines the
                // run and is known at preview. The compute ids are not known then; they are keepers of their own.
                body: buildJobBody(graph, {
                    componentIds: Object.fromEntries(componentPlans.map((plan) => [plan.component.name, `${plan.component.name}:${plan.version}`])),
                    inputUris: Object.fromEntries(dataPlans.map((plan) => [plan.input, `${plan.name}:${plan.version}`])),
                    defaultComputeId: hasDefaultCompute ? "computeId" : undefined,
                    stepComputeIds: Object.fromEntries(Object.keys(stepComputeIds).map((step) => [step, `stepComputeIds.${step}`])),
                    defaultDatastoreId: DEFAULT_DATASTORE,
                }, settings),
            };
            const keepers: Record<string, pulumi.Input<string>> = { definition: hashText(canonicalJson(definition)) };
            if (hasDefaultCompute) {
                keepers.computeId = args.computeId as pulumi.Input<string>;
            }
            for (const [step, computeId] of Object.entries(stepComputeIds)) {
                keepers[`stepComputeIds.${step}`] = computeId;
            }
            // Job names are submit-once: a change in the keepers makes a new suffix, so a new job.
            const suffix = new random.RandomString(`${name}-job-suffix`, {
                length: JOB_SUFFIX_LENGTH,
                upper: false,
                special: false,
                lower: true,
                numeric: true,
                keepers,
            }, childOpts);

            const body = pulumi
                .all([
                    pulumi.all(componentIds),
                    pulumi.all(dataIds),
                    hasDefaultCompute ? pulumi.output(args.computeId as pulumi.Input<string>) : undefined,
                    pulumi.all(stepComputeIds),
                    args.workspaceId,
                ])
                .apply(([ids, uris, computeId, steps, workspaceId]) => buildJobBody(graph, {
                    componentIds: ids,
                    inputUris: uris,
                    defaultComputeId: computeId,
                    stepComputeIds: steps,
                    defaultDatastoreId: `${workspaceId}/datastores/${DEFAULT_DATASTORE}`,
                }, settings));

            // A generic ARM resource, not ml.Job: the Node SDK drops Job's `id` input, the job name
            // (pulumi/pulumi#13781), and a submit-once job needs a name of its own choosing.
            this.job = new resources.Resource(`${name}-job`, {
                resourceGroupName: args.resourceGroupName,
                resourceProviderNamespace: "Microsoft.MachineLearningServices",
                parentResourcePath: pulumi.interpolate`workspaces/${args.workspaceName}`,
                resourceType: "jobs",
                resourceName: pulumi.interpolate`${jobNamePrefix(pipelineDir)}-${suffix.result}`,
                apiVersion: ML_JOB_API_VERSION,
                properties: body,
            }, {
                ...childOpts,
                // Azure refuses changes to a submitted job (JobPropertyImmutable): any change is a new
                // job under a new name, created before the old one leaves the stack...
                replaceOnChanges: ["*"],
                deleteBeforeReplace: false,
                // ...and the old one is not deleted: it stays in the experiment's history. Destroying the
                // workspace removes every job.
                retainOnDelete: true,
            });
            this.jobName = this.job.name;
            const tenant = args.tenantId === undefined ? "" : pulumi.interpolate`&tid=${args.tenantId}`;
            this.jobStudioUrl = pulumi.interpolate`https://ml.azure.com/runs/${this.jobName}?wsid=${args.workspaceId}${tenant}`;
        }

        this.experimentName = pulumi.output(settings.experimentName);
        this.dataAssetNames = pulumi.output(Object.fromEntries(dataPlans.map((plan) => [plan.input, plan.name])));
        this.dataAssetVersions = pulumi.output(Object.fromEntries(dataPlans.map((plan) => [plan.input, plan.version])));
        this.componentIds = pulumi.all(componentIds);
        this.registerOutputs({
            jobName: this.jobName,
            jobStudioUrl: this.jobStudioUrl,
            experimentName: this.experimentName,
            dataAssetNames: this.dataAssetNames,
            dataAssetVersions: this.dataAssetVersions,
            componentIds: this.componentIds,
        });
    }
}

/** Throws one ResourceError naming each bad argument, before any child exists. */
function validateArgs(settings: JobSettings, resource: pulumi.Resource): void {
    const problems: string[] = [];
    if (!EXPERIMENT_NAME.test(settings.experimentName)) {
        problems.push(`experimentName ${JSON.stringify(settings.experimentName)} is not a valid experiment name: 1-255 letters, digits, '_' and '-', starting with a letter or digit.`);
    }
    if (settings.displayName.trim() === "") {
        problems.push("displayName is empty: give the job a name to show in the studio.");
    }
    if (problems.length > 0) {
        throw new pulumi.ResourceError(`TrainingPipeline: ${problems.join("\n")}`, resource);
    }
}

/** The graph, read and checked; one ResourceError listing every problem otherwise. */
function loadCheckedGraph(
    pipelineDir: string,
    compute: { hasDefault: boolean; steps: string[] },
    resource: pulumi.Resource,
): PipelineGraph {
    const { graph, problems } = loadPipeline(pipelineDir);
    if (graph && problems.length === 0) {
        problems.push(...checkPipeline(graph, compute));
    }
    if (!graph || problems.length > 0) {
        throw new pulumi.ResourceError(
            `TrainingPipeline: ${path.join(pipelineDir, "graph.yaml")} is not a valid pipeline:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
            resource,
        );
    }
    return graph;
}

function planData(graph: PipelineGraph, pipelineDir: string): DataPlan[] {
    return Object.entries(graph.inputs).map(([input, spec]) => {
        const digest = digestPath(spec.path);
        const name = dataAssetName(pipelineDir, input);
        const description = `Input ${input} of the ${path.basename(pipelineDir)} pipeline: ${digest.uploadName}.`;
        const version = hashText(canonicalJson({ content: digest.hash, name: digest.uploadName, type: spec.type, description }))
            .slice(0, VERSION_LENGTH);
        return { input, type: spec.type, digest, name, version, description };
    });
}

/** One plan per component (steps may share one), in graph order. */
function planComponents(graph: PipelineGraph): ComponentPlan[] {
    const plans = new Map<string, ComponentPlan>();
    for (const node of Object.values(graph.jobs)) {
        const component = node.component;
        if (plans.has(component.name)) {
            continue;
        }
        const digest = digestPath(component.codePath);
        const codeVersion = hashText(`${digest.hash}/${digest.uploadName}`).slice(0, VERSION_LENGTH);
        const version = hashText(canonicalJson({ spec: component.spec, code: codeVersion })).slice(0, VERSION_LENGTH);
        plans.set(component.name, { component, digest, codeVersion, version });
    }
    return [...plans.values()];
}
