/**
 * The TrainingPipeline component under Pulumi mocks of its own: ARM-shaped ids for every resource it
 * makes (the job too), and a random provider whose value changes exactly when its keepers do, as the
 * real one does. One component run per scenario.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { createHash } from "node:crypto";
import { digestPath, listFiles } from "../components/pipeline/contentHash";
import {
    JOB_SUFFIX_LENGTH,
    ML_JOB_API_VERSION,
    TRAINING_PIPELINE_DEFAULTS,
    TrainingPipeline,
    TrainingPipelineArgs,
} from "../components/trainingPipeline";

const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const RG = "rg-dp100-labs";
const WS = "mlw-dp100-labs";
const WSID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
const COMPUTE_ID = `${WSID}/computes/cimlwdp100labsxx7k2`;
const OTHER_COMPUTE_ID = `${WSID}/computes/cpu-cluster`;
const GUID = "11111111-2222-3333-4444-555555555555";
const CONTAINER = `azureml-blobstore-${GUID}`;
const ACCOUNT = "stmlwdp100labsxx7k2";
const TENANT = "00000000-0000-0000-0000-00000000000a";
const REAL_PIPELINE = path.resolve(__dirname, "..", "pipelines", "automobile-price");
const FIXTURES = path.join(__dirname, "fixtures", "pipelines");

const LAB_ARGS: TrainingPipelineArgs = {
    resourceGroupName: RG,
    workspaceName: WS,
    workspaceId: WSID,
    workspaceGuid: GUID,
    storageAccountName: ACCOUNT,
    computeId: COMPUTE_ID,
    tenantId: TENANT,
};

// ---------------------------------------------------------------------------------------------------
// The harness: mocks, a record of every registration (with its options and id), one run at a time.

interface Registered {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | undefined;
    readonly id: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly inputs: Record<string, any>;
    readonly dependencies: string[];
    readonly options: {
        retainOnDelete?: boolean;
        deleteBeforeReplace?: boolean;
        replaceOnChanges?: string[];
        deletedWith?: string;
    };
}

interface Run {
    readonly resources: Registered[];
    /** Outputs the component registered, by URN. */
    readonly registeredOutputs: Map<string, Record<string, unknown>>;
}

/** The 8-character random part, a function of the keepers: same keepers, same value. */
function randomFromKeepers(keepers: unknown, length: number): string {
    const digest = createHash("sha256").update(JSON.stringify(keepers ?? {})).digest();
    return [...digest].slice(0, length).map((byte) => "abcdefghijklmnopqrstuvwxyz0123456789"[byte % 36]).join("");
}

function fakeId(args: pulumi.runtime.MockResourceArgs): string {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const inputs = args.inputs as Record<string, any>;
    const workspace = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`;
    switch (args.type) {
        case "azure-native:machinelearningservices:DataVersion":
            return `${workspace}/data/${inputs.name}/versions/${inputs.version}`;
        case "azure-native:machinelearningservices:CodeVersion":
            return `${workspace}/codes/${inputs.name}/versions/${inputs.version}`;
        case "azure-native:machinelearningservices:ComponentVersion":
            return `${workspace}/components/${inputs.name}/versions/${inputs.version}`;
        case "azure-native:resources:Resource":
            return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/${inputs.resourceProviderNamespace}/${inputs.parentResourcePath}/${inputs.resourceType}/${inputs.resourceName}`;
        case "azure-native:storage:Blob":
            return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${inputs.accountName}/blobServices/default/containers/${inputs.containerName}/blobs/${inputs.blobName}`;
        default:
            return `${args.name}-id`;
    }
}

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomString:RandomString") {
            state.result = randomFromKeepers(args.inputs.keepers, Number(args.inputs.length));
        }
        if (args.type === "azure-native:resources:Resource") {
            state.name = args.inputs.resourceName;
        }
        return { id: args.custom ? fakeId(args) : undefined, state };
    },
    call: (args) => {
        throw new Error(`unexpected invoke ${args.token}`);
    },
};

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getObject(): unknown;
    getDependenciesList(): string[];
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getReplaceonchangesList(): string[];
    getDeletedwith(): string;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): unknown;
}

/** Installs fresh mocks and a recorder, runs `build`, waits for every registration. */
async function run(build: () => void, preview = false): Promise<Run & { error?: Error }> {
    const resources: Registered[] = [];
    const registeredOutputs = new Map<string, Record<string, unknown>>();
    await pulumi.runtime.setMocks(mocks, "dp100-lab", "dev", preview);
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, callback: (err: unknown, res: RegisterResponse) => void): void;
        registerResourceOutputs(req: OutputsRequest, callback: (err: unknown, res: unknown) => void): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => register(req, (err, res) => {
        if (!err && res) {
            resources.push({
                urn: res.getUrn(),
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || undefined,
                id: res.getId(),
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                inputs: pulumi.runtime.deserializeProperties(req.getObject() as any, true),
                dependencies: [...new Set(req.getDependenciesList())],
                options: Object.fromEntries(Object.entries({
                    retainOnDelete: req.getRetainondelete() || undefined,
                    deleteBeforeReplace: req.getDeletebeforereplace() || undefined,
                    replaceOnChanges: req.getReplaceonchangesList().length > 0 ? req.getReplaceonchangesList() : undefined,
                    deletedWith: req.getDeletedwith() || undefined,
                }).filter(([, value]) => value !== undefined)),
            });
        }
        callback(err, res);
    });
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        registeredOutputs.set(req.getUrn(), pulumi.runtime.deserializeProperties(req.getOutputs() as any, true));
        registerOutputs(req, callback);
    };
    let error: Error | undefined;
    try {
        build();
    } catch (caught) {
        error = caught as Error;
    }
    await pulumi.runtime.disconnect();
    return { resources, registeredOutputs, error };
}

/** Builds the component and resolves its public outputs. */
async function runPipeline(args: TrainingPipelineArgs): Promise<Run & { pipeline: TrainingPipeline; outputs: Record<string, unknown> }> {
    let pipeline: TrainingPipeline | undefined;
    const outputs: Record<string, unknown> = {};
    const result = await run(() => {
        pipeline = new TrainingPipeline("pipeline", args);
        for (const key of ["jobName", "jobStudioUrl", "experimentName", "dataAssetNames", "dataAssetVersions", "componentIds"] as const) {
            const output = pipeline[key];
            if (output !== undefined) {
                (output as pulumi.Output<unknown>).apply((value) => {
                    outputs[key] = value;
                });
            }
        }
    });
    if (result.error) {
        throw result.error;
    }
    return { ...result, pipeline: pipeline as TrainingPipeline, outputs };
}

/** The error a component run throws, and what was registered before it. */
async function runExpectingError(args: TrainingPipelineArgs, preview = false): Promise<{ error: Error; resources: Registered[] }> {
    const result = await run(() => new TrainingPipeline("pipeline", args), preview);
    if (!result.error) {
        throw new Error("the component was built without error");
    }
    return { error: result.error, resources: result.resources };
}

function ofType(resources: Registered[], type: string): Registered[] {
    return resources.filter((resource) => resource.type === type);
}

function single(resources: Registered[], type: string): Registered {
    const found = ofType(resources, type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}`);
    }
    return found[0];
}

const TYPES = {
    component: "mllab:index:TrainingPipeline",
    blob: "azure-native:storage:Blob",
    data: "azure-native:machinelearningservices:DataVersion",
    code: "azure-native:machinelearningservices:CodeVersion",
    componentVersion: "azure-native:machinelearningservices:ComponentVersion",
    random: "random:index/randomString:RandomString",
    job: "azure-native:resources:Resource",
} as const;

/** The folder under LocalUpload/ that the component uses for a file or folder. */
function uploadFolder(target: string): string {
    return `LocalUpload/${digestPath(target).hash.slice(0, 32)}`;
}

/** A scratch copy of the fixture pipelines, so that a test may edit them. */
function copyFixtures(): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipelines-"));
    fs.cpSync(FIXTURES, root, { recursive: true });
    return root;
}

const scratch: string[] = [];
afterAll(() => {
    for (const dir of scratch) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});

// ---------------------------------------------------------------------------------------------------

describe("TrainingPipeline with the lab's pipeline and defaults", () => {
    let lab: Awaited<ReturnType<typeof runPipeline>>;
    beforeAll(async () => {
        lab = await runPipeline(LAB_ARGS);
    });

    const componentVersions = () => ofType(lab.resources, TYPES.componentVersion);
    const componentIdByName = () => Object.fromEntries(componentVersions().map((r) => [r.inputs.name as string, r.id]));
    const job = () => single(lab.resources, TYPES.job);

    it("registers one mllab:index:TrainingPipeline that parents every resource it makes", () => {
        const component = single(lab.resources, TYPES.component);
        expect(component.name).toBe("pipeline");
        const children = lab.resources.filter((resource) => resource !== component);
        expect(children.length).toBeGreaterThan(0);
        expect(children.filter((child) => child.parent !== component.urn)).toEqual([]);
        expect(TRAINING_PIPELINE_DEFAULTS.pipelineDir).toBe(REAL_PIPELINE);
    });

    it("uploads the data file as one blob, content-addressed, into the workspace's default container", async () => {
        const csv = path.join(REAL_PIPELINE, "data", "automobile-price-raw.csv");
        const blobs = ofType(lab.resources, TYPES.blob).filter((blob) => blob.name.startsWith("pipeline-data-"));
        expect(blobs).toHaveLength(1);
        const { source, ...rest } = blobs[0].inputs;
        expect(rest).toEqual({
            resourceGroupName: RG,
            accountName: ACCOUNT,
            containerName: CONTAINER,
            blobName: `${uploadFolder(csv)}/automobile-price-raw.csv`,
            type: "Block",
        });
        expect(source).toBeInstanceOf(pulumi.asset.FileAsset);
        expect(await source.path).toBe(csv);
        expect(blobs[0].options).toEqual({ retainOnDelete: true });
    });

    it("uploads each component folder file by file, without caches, tests or compiled files", () => {
        const blobNames = ofType(lab.resources, TYPES.blob).map((blob) => blob.inputs.blobName as string);
        for (const step of ["select_columns", "clean_missing_data", "split_data", "train_linear_regression", "score_model", "evaluate_model"]) {
            const folder = path.join(REAL_PIPELINE, "components", step);
            const prefix = `${uploadFolder(folder)}/${step}/`;
            const uploaded = blobNames.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length));
            expect(uploaded).toEqual(expect.arrayContaining(["component.yaml", `${step}.py`]));
            expect(uploaded).toEqual(listFiles(folder).map((file) => file.relativePath));
        }
        expect(blobNames.filter((name) => /__pycache__|\/tests\/|\.pyc$/.test(name))).toEqual([]);
        expect(new Set(blobNames).size).toBe(blobNames.length);
    });

    it("registers the raw data as a uri_file data asset with a content-derived version", () => {
        const csv = path.join(REAL_PIPELINE, "data", "automobile-price-raw.csv");
        const data = single(lab.resources, TYPES.data);
        expect(data.inputs).toEqual({
            resourceGroupName: RG,
            workspaceName: WS,
            name: "automobile_price_raw_data",
            version: expect.stringMatching(/^[0-9a-f]{12}$/),
            properties: {
                dataType: "uri_file",
                dataUri: `azureml://datastores/workspaceblobstore/paths/${uploadFolder(csv)}/automobile-price-raw.csv`,
                description: "Input raw_data of the automobile-price pipeline: automobile-price-raw.csv.",
            },
        });
        expect(data.options).toEqual({ retainOnDelete: true, replaceOnChanges: ["*"] });
        const dataBlob = ofType(lab.resources, TYPES.blob).find((blob) => blob.name.startsWith("pipeline-data-")) as Registered;
        expect(data.dependencies).toContain(dataBlob.urn);
    });

    it("registers one code version per component, pointing at its uploaded folder", () => {
        const codes = ofType(lab.resources, TYPES.code);
        expect(codes).toHaveLength(6);
        for (const code of codes) {
            const step = (code.inputs.name as string).replace(/^automobile_/, "");
            const folder = path.join(REAL_PIPELINE, "components", step);
            expect(code.inputs).toEqual({
                resourceGroupName: RG,
                workspaceName: WS,
                name: `automobile_${step}`,
                version: expect.stringMatching(/^[0-9a-f]{12}$/),
                properties: {
                    codeUri: `https://${ACCOUNT}.blob.core.windows.net/${CONTAINER}/${uploadFolder(folder)}/${step}`,
                    // Defaults that azure-native's SDK adds to every code and component version.
                    isAnonymous: false,
                    isArchived: false,
                },
            });
            expect(code.options).toEqual({ retainOnDelete: true, replaceOnChanges: ["*"] });
            const blobs = ofType(lab.resources, TYPES.blob).filter((blob) => (blob.inputs.blobName as string).startsWith(`${uploadFolder(folder)}/`));
            expect(blobs.length).toBeGreaterThanOrEqual(2);
            expect(code.dependencies).toEqual(expect.arrayContaining(blobs.map((blob) => blob.urn)));
        }
    });

    it("registers each component.yaml as it is, with the resource's version and its code version's id", () => {
        const codes = ofType(lab.resources, TYPES.code);
        expect(componentVersions()).toHaveLength(6);
        for (const registered of componentVersions()) {
            const step = (registered.inputs.name as string).replace(/^automobile_/, "");
            const yaml = YAML.parse(fs.readFileSync(path.join(REAL_PIPELINE, "components", step, "component.yaml"), "utf8"));
            const code = codes.find((candidate) => candidate.inputs.name === registered.inputs.name) as Registered;
            expect(registered.inputs).toEqual({
                resourceGroupName: RG,
                workspaceName: WS,
                name: yaml.name,
                version: expect.stringMatching(/^[0-9a-f]{12}$/),
                properties: {
                    componentSpec: { ...yaml, version: registered.inputs.version, code: `azureml:${code.id}` },
                    description: yaml.description,
                    isAnonymous: false,
                    isArchived: false,
                },
            });
            expect(registered.inputs.properties.componentSpec.code).toBe(`azureml:${WSID}/codes/${yaml.name}/versions/${code.inputs.version}`);
            expect(registered.options).toEqual({ retainOnDelete: true, replaceOnChanges: ["*"] });
        }
    });

    it("submits the pipeline job as a generic ARM resource named in its inputs, with the exact wire body", () => {
        const ids = componentIdByName();
        const data = single(lab.resources, TYPES.data);
        const literal = (value: string) => ({ job_input_type: "literal", value });
        expect(job().inputs).toEqual({
            resourceGroupName: RG,
            resourceProviderNamespace: "Microsoft.MachineLearningServices",
            parentResourcePath: `workspaces/${WS}`,
            resourceType: "jobs",
            resourceName: lab.outputs.jobName,
            apiVersion: "2025-12-01",
            properties: {
                jobType: "Pipeline",
                experimentName: "train-regression-designer",
                displayName: "Automobile Price Prediction (Basic)",
                inputs: { raw_data: { jobInputType: "uri_file", uri: data.id, mode: "ReadOnlyMount" } },
                outputs: { evaluation_results: { jobOutputType: "uri_folder", mode: "ReadWriteMount" } },
                settings: {
                    default_compute: COMPUTE_ID,
                    default_datastore: `${WSID}/datastores/workspaceblobstore`,
                    continue_on_step_failure: false,
                },
                jobs: {
                    select_columns: {
                        type: "command",
                        name: "select_columns",
                        componentId: ids.automobile_select_columns,
                        inputs: { dataset: literal("${{parent.inputs.raw_data}}") },
                    },
                    clean_missing_data: {
                        type: "command",
                        name: "clean_missing_data",
                        componentId: ids.automobile_clean_missing_data,
                        inputs: { dataset: literal("${{parent.jobs.select_columns.outputs.results_dataset}}") },
                    },
                    split_data: {
                        type: "command",
                        name: "split_data",
                        componentId: ids.automobile_split_data,
                        inputs: { dataset: literal("${{parent.jobs.clean_missing_data.outputs.cleaned_dataset}}") },
                    },
                    train_linear_regression: {
                        type: "command",
                        name: "train_linear_regression",
                        componentId: ids.automobile_train_linear_regression,
                        inputs: {
                            dataset: literal("${{parent.jobs.split_data.outputs.results_dataset1}}"),
                            label_column: literal("price"),
                        },
                    },
                    score_model: {
                        type: "command",
                        name: "score_model",
                        componentId: ids.automobile_score_model,
                        inputs: {
                            trained_model: literal("${{parent.jobs.train_linear_regression.outputs.trained_model}}"),
                            dataset: literal("${{parent.jobs.split_data.outputs.results_dataset2}}"),
                        },
                    },
                    evaluate_model: {
                        type: "command",
                        name: "evaluate_model",
                        componentId: ids.automobile_evaluate_model,
                        inputs: {
                            scored_dataset: literal("${{parent.jobs.score_model.outputs.scored_dataset}}"),
                            label_column: literal("price"),
                        },
                        outputs: { evaluation_results: { type: "literal", value: "${{parent.outputs.evaluation_results}}" } },
                    },
                },
            },
        });
        expect(ML_JOB_API_VERSION).toBe("2025-12-01");
    });

    it("runs on the compute through settings.default_compute only, never a top-level or step computeId", () => {
        const body = job().inputs.properties;
        expect("computeId" in body).toBe(false);
        expect(Object.values(body.jobs).filter((node) => "computeId" in (node as object))).toEqual([]);
        expect(body.settings.default_compute).toBe(COMPUTE_ID);
    });

    it("references only components this run registered, and every binding resolves to a declared port", () => {
        const body = job().inputs.properties;
        const specById = new Map(componentVersions().map((r) => [r.id, r.inputs.properties.componentSpec]));
        const nodes = body.jobs as Record<string, { componentId: string; inputs: Record<string, { value: string }>; outputs?: Record<string, { value: string }> }>;
        for (const [nodeName, node] of Object.entries(nodes)) {
            const spec = specById.get(node.componentId);
            expect(spec).toBeDefined();
            for (const [port, input] of Object.entries(node.inputs)) {
                expect(Object.keys(spec.inputs)).toContain(port);
                const fromNode = /^\$\{\{parent\.jobs\.(\w+)\.outputs\.(\w+)\}\}$/.exec(input.value);
                const fromPipeline = /^\$\{\{parent\.inputs\.(\w+)\}\}$/.exec(input.value);
                if (fromNode) {
                    expect(fromNode[1]).not.toBe(nodeName);
                    expect(Object.keys(specById.get(nodes[fromNode[1]].componentId).outputs)).toContain(fromNode[2]);
                } else if (fromPipeline) {
                    expect(Object.keys(body.inputs)).toContain(fromPipeline[1]);
                } else {
                    expect(input.value).not.toContain("${{");
                }
            }
            for (const [port, output] of Object.entries(node.outputs ?? {})) {
                expect(Object.keys(spec.outputs)).toContain(port);
                expect(Object.keys(body.outputs)).toContain(/^\$\{\{parent\.outputs\.(\w+)\}\}$/.exec(output.value)?.[1]);
            }
        }
    });

    it("names the job from a random part whose keepers are the run's definition and its compute", () => {
        const suffix = single(lab.resources, TYPES.random);
        expect(suffix.inputs).toEqual({
            length: JOB_SUFFIX_LENGTH,
            upper: false,
            special: false,
            lower: true,
            numeric: true,
            keepers: { definition: expect.stringMatching(/^[0-9a-f]{64}$/), computeId: COMPUTE_ID },
        });
        expect(lab.outputs.jobName).toMatch(/^automobile-price-[a-z0-9]{8}$/);
        expect(lab.outputs.jobName).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
        expect(job().inputs.resourceName).toBe(`automobile-price-${randomFromKeepers(suffix.inputs.keepers, 8)}`);
    });

    it("keeps a replaced job in the experiment's history: new job first, old one retained", () => {
        expect(job().options).toEqual({ retainOnDelete: true, replaceOnChanges: ["*"] });
        const ids = componentVersions().map((r) => r.urn);
        expect(job().dependencies).toEqual(expect.arrayContaining([...ids, single(lab.resources, TYPES.data).urn]));
    });

    it("outputs the job name, its studio link, the experiment, the data asset and the component ids, and registers them", () => {
        const data = single(lab.resources, TYPES.data);
        const expected = {
            jobName: lab.outputs.jobName,
            jobStudioUrl: `https://ml.azure.com/runs/${lab.outputs.jobName}?wsid=${WSID}&tid=${TENANT}`,
            experimentName: "train-regression-designer",
            dataAssetNames: { raw_data: "automobile_price_raw_data" },
            dataAssetVersions: { raw_data: data.inputs.version },
            componentIds: componentIdByName(),
        };
        expect(lab.outputs).toEqual(expected);
        const component = single(lab.resources, TYPES.component);
        expect(lab.registeredOutputs.get(component.urn)).toEqual(expected);
    });
});

describe("TrainingPipeline options", () => {
    it("registers the assets without a job, and without compute, when submitJob is false", async () => {
        const result = await runPipeline({
            ...LAB_ARGS,
            computeId: undefined,
            tenantId: undefined,
            submitJob: false,
            pipelineDir: path.join(FIXTURES, "tiny"),
        });
        expect(ofType(result.resources, TYPES.random)).toEqual([]);
        expect(ofType(result.resources, TYPES.job)).toEqual([]);
        expect(result.pipeline.jobName).toBeUndefined();
        expect(result.pipeline.jobStudioUrl).toBeUndefined();
        expect(result.pipeline.job).toBeUndefined();
        expect(ofType(result.resources, TYPES.data).map((r) => r.inputs.name)).toEqual(["tiny_rows"]);
        expect(ofType(result.resources, TYPES.componentVersion).map((r) => r.inputs.name)).toEqual(["fixture_prep", "fixture_train"]);
        expect(Object.keys(result.outputs).sort()).toEqual(["componentIds", "dataAssetNames", "dataAssetVersions", "experimentName"]);
    });

    it("puts a step's own compute on that step and makes it a keeper of the job name", async () => {
        const result = await runPipeline({
            ...LAB_ARGS,
            stepComputeIds: { train: OTHER_COMPUTE_ID },
            pipelineDir: path.join(FIXTURES, "tiny"),
            experimentName: "tiny-experiment",
            displayName: "Tiny",
            description: "A tiny pipeline.",
            continueOnStepFailure: true,
        });
        const body = single(result.resources, TYPES.job).inputs.properties;
        expect(body.jobs.train.computeId).toBe(OTHER_COMPUTE_ID);
        expect("computeId" in body.jobs.prep).toBe(false);
        expect(body.settings).toEqual({
            default_compute: COMPUTE_ID,
            default_datastore: `${WSID}/datastores/workspaceblobstore`,
            continue_on_step_failure: true,
        });
        expect([body.experimentName, body.displayName, body.description]).toEqual(["tiny-experiment", "Tiny", "A tiny pipeline."]);
        expect(single(result.resources, TYPES.random).inputs.keepers).toEqual({
            definition: expect.stringMatching(/^[0-9a-f]{64}$/),
            computeId: COMPUTE_ID,
            "stepComputeIds.train": OTHER_COMPUTE_ID,
        });
        expect(result.outputs.jobName).toMatch(/^tiny-[a-z0-9]{8}$/);
    });

    it("registers a folder input as a uri_folder data asset and mounts it as one", async () => {
        const root = copyFixtures();
        scratch.push(root);
        const graphFile = path.join(root, "tiny", "graph.yaml");
        fs.writeFileSync(graphFile, fs.readFileSync(graphFile, "utf8").replace("type: uri_file\n    path: ../data/rows.csv", "type: uri_folder\n    path: ../data"));
        const prepFile = path.join(root, "components", "prep", "component.yaml");
        fs.writeFileSync(prepFile, fs.readFileSync(prepFile, "utf8").replace("type: uri_file", "type: uri_folder"));
        const result = await runPipeline({ ...LAB_ARGS, pipelineDir: path.join(root, "tiny") });
        const data = single(result.resources, TYPES.data);
        expect(data.inputs.properties).toEqual({
            dataType: "uri_folder",
            dataUri: `azureml://datastores/workspaceblobstore/paths/${uploadFolder(path.join(root, "data"))}/data/`,
            description: "Input rows of the tiny pipeline: data.",
        });
        expect(ofType(result.resources, TYPES.blob).filter((blob) => blob.name.startsWith("pipeline-data-")).map((blob) => blob.inputs.blobName))
            .toEqual([`${uploadFolder(path.join(root, "data"))}/data/rows.csv`]);
        expect(single(result.resources, TYPES.job).inputs.properties.inputs).toEqual({
            rows: { jobInputType: "uri_folder", uri: data.id, mode: "ReadOnlyMount" },
        });
    });
});

describe("TrainingPipeline job names", () => {
    /** The job name of the tiny fixture pipeline, copied to a scratch folder and edited by `edit`. */
    async function jobNameAfter(edit: (root: string) => void = () => undefined, args: Partial<TrainingPipelineArgs> = {}): Promise<string> {
        const root = copyFixtures();
        scratch.push(root);
        edit(root);
        const result = await runPipeline({ ...LAB_ARGS, pipelineDir: path.join(root, "tiny"), ...args });
        expect(single(result.resources, TYPES.job).inputs.resourceName).toBe(result.outputs.jobName);
        return result.outputs.jobName as string;
    }
    const append = (file: string, text: string) => (root: string) => fs.appendFileSync(path.join(root, file), text);
    const replace = (file: string, from: string, to: string) => (root: string) => {
        const full = path.join(root, file);
        const before = fs.readFileSync(full, "utf8");
        expect(before).toContain(from);
        fs.writeFileSync(full, before.replace(from, to));
    };

    let base: string;
    beforeAll(async () => {
        base = await jobNameAfter();
    });

    it("stays the same when nothing that defines the run changes", async () => {
        // Every run works on a copy in a new scratch folder: where the pipeline lies does not count.
        const again = await jobNameAfter();
        // Nor do caches, the steps' tests, compiled files (none is uploaded), comments in graph.yaml, or
        // the tenant of the studio link.
        const irrelevant = await jobNameAfter((root) => {
            fs.mkdirSync(path.join(root, "components", "prep", "__pycache__"));
            fs.writeFileSync(path.join(root, "components", "prep", "__pycache__", "prep.cpython-310.pyc"), "cache");
            fs.mkdirSync(path.join(root, "components", "prep", "tests"));
            fs.writeFileSync(path.join(root, "components", "prep", "tests", "test_prep.py"), "def test(): pass\n");
            append("tiny/graph.yaml", "# a comment\n")(root);
        }, { tenantId: "another-tenant" });
        expect([again, irrelevant]).toEqual([base, base]);
    });

    it("changes when the code, a component, the data, a setting or the compute changes", async () => {
        const changed = {
            code: await jobNameAfter(append("components/prep/prep.py", "# edited\n")),
            componentYaml: await jobNameAfter(replace("components/train/component.yaml", "display_name: Train", "display_name: Train it")),
            data: await jobNameAfter(append("data/rows.csv", "4,40,400\n")),
            graphLiteral: await jobNameAfter(replace("tiny/graph.yaml", "fraction: 0.75", "fraction: 0.8")),
            continueOnStepFailure: await jobNameAfter(undefined, { continueOnStepFailure: true }),
            experimentName: await jobNameAfter(undefined, { experimentName: "another-experiment" }),
            displayName: await jobNameAfter(undefined, { displayName: "Another name" }),
            computeId: await jobNameAfter(undefined, { computeId: OTHER_COMPUTE_ID }),
            stepCompute: await jobNameAfter(undefined, { stepComputeIds: { train: OTHER_COMPUTE_ID } }),
        };
        for (const name of Object.values(changed)) {
            expect(name).toMatch(/^tiny-[a-z0-9]{8}$/);
        }
        expect(Object.values(changed)).not.toContain(base);
        expect(new Set(Object.values(changed)).size).toBe(Object.keys(changed).length);
    });
});

describe("TrainingPipeline on bad input", () => {
    const header = (fixture: string) => `TrainingPipeline: ${path.join(FIXTURES, fixture, "graph.yaml")} is not a valid pipeline:\n`;

    it("fails before any child exists when a binding reads an output the component does not declare", async () => {
        const { error, resources } = await runExpectingError({ ...LAB_ARGS, pipelineDir: path.join(FIXTURES, "unknown-output") });
        expect(error).toBeInstanceOf(pulumi.ResourceError);
        expect(error.message).toBe(header("unknown-output") +
            "  - jobs.train.inputs.dataset: ${{parent.jobs.prep.outputs.cleaned}} names output cleaned of step prep, which its component fixture_prep does not declare (outputs: prepared).");
        expect(resources.map((resource) => resource.type)).toEqual([TYPES.component]);
    });

    it("fails at preview too, naming the unknown port and the input left unbound", async () => {
        const { error, resources } = await runExpectingError({ ...LAB_ARGS, pipelineDir: path.join(FIXTURES, "unknown-port") }, true);
        expect(error.message).toBe(header("unknown-port") + [
            "  - jobs.train.inputs.labels_column: component fixture_train has no input labels_column (inputs: dataset, label_column, fraction, seed, shuffle, note).",
            "  - jobs.train.inputs.label_column: required by component fixture_train (no default, not optional) and not bound.",
        ].join("\n"));
        expect(resources.map((resource) => resource.type)).toEqual([TYPES.component]);
    });

    it("fails on a cycle", async () => {
        const { error } = await runExpectingError({ ...LAB_ARGS, pipelineDir: path.join(FIXTURES, "cycle") });
        expect(error.message).toBe(header("cycle") +
            "  - jobs: steps first -> second -> third -> first form a cycle: a step cannot read its own output, directly or through other steps.");
    });

    it("fails without compute, naming every step, as the studio refuses a pipeline without compute", async () => {
        for (const computeId of [undefined, ""]) {
            const { error, resources } = await runExpectingError({ ...LAB_ARGS, computeId, pipelineDir: path.join(FIXTURES, "tiny") });
            expect(error.message).toBe(header("tiny") + [
                "  - jobs.prep: no compute: a pipeline cannot run without compute; set computeId (the pipeline's default compute) or stepComputeIds.prep.",
                "  - jobs.train: no compute: a pipeline cannot run without compute; set computeId (the pipeline's default compute) or stepComputeIds.train.",
            ].join("\n"));
            expect(resources.map((resource) => resource.type)).toEqual([TYPES.component]);
        }
    });

    it("rejects an invalid experiment name and an empty display name", async () => {
        const { error } = await runExpectingError({ ...LAB_ARGS, experimentName: "train regression", displayName: " " });
        expect(error).toBeInstanceOf(pulumi.ResourceError);
        expect(error.message).toBe(
            "TrainingPipeline: experimentName \"train regression\" is not a valid experiment name: 1-255 letters, digits, '_' and '-', starting with a letter or digit.\n" +
            "displayName is empty: give the job a name to show in the studio.",
        );
    });
});
