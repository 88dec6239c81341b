/**
 * The pipeline helpers on their own: reading and checking graph.yaml, content hashes, the job body.
 * Bad graphs are fixtures (tests/fixtures/pipelines/); each test asserts the whole list of problems.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    canonicalJson,
    digestPath,
    hashFiles,
    isSkipped,
    listFiles,
    uploadPath,
} from "../components/pipeline/contentHash";
import { checkPipeline, ComputeCoverage, dependencies, findCycle, loadPipeline, PipelineGraph } from "../components/pipeline/graph";
import { buildJobBody, JobReferences, JobSettings, literalText } from "../components/pipeline/jobPayload";

const FIXTURES = path.join(__dirname, "fixtures", "pipelines");
const REAL_PIPELINE = path.resolve(__dirname, "..", "pipelines", "automobile-price");
const WITH_DEFAULT: ComputeCoverage = { hasDefault: true, steps: [] };

/** The fixture's problems: loading first, then (when it loaded cleanly) the reference checks. */
function problemsOf(fixture: string, compute = WITH_DEFAULT): string[] {
    const { graph, problems } = loadPipeline(path.join(FIXTURES, fixture));
    if (!graph || problems.length > 0) {
        return problems;
    }
    return checkPipeline(graph, compute);
}

function loadClean(dir: string): PipelineGraph {
    const { graph, problems } = loadPipeline(dir);
    expect(problems).toEqual([]);
    return graph as PipelineGraph;
}

describe("graph.yaml of the automobile price pipeline", () => {
    it("loads and checks without a problem", () => {
        const graph = loadClean(REAL_PIPELINE);
        expect(checkPipeline(graph, WITH_DEFAULT)).toEqual([]);
    });

    it("has the designer sample's steps, each reading from the step before it in the sample", () => {
        const graph = loadClean(REAL_PIPELINE);
        expect(Object.fromEntries(dependencies(graph))).toEqual({
            select_columns: [],
            clean_missing_data: ["select_columns"],
            split_data: ["clean_missing_data"],
            train_linear_regression: ["split_data"],
            score_model: ["train_linear_regression", "split_data"],
            evaluate_model: ["score_model"],
        });
        expect(graph.inputs).toEqual({
            raw_data: { type: "uri_file", path: path.join(REAL_PIPELINE, "data", "automobile-price-raw.csv") },
        });
        expect(graph.outputs).toEqual({ evaluation_results: { type: "uri_folder" } });
    });
});

describe("checkPipeline on bad graphs", () => {
    it("names the step, the port and the missing output when a binding reads an undeclared output", () => {
        expect(problemsOf("unknown-output")).toEqual([
            "jobs.train.inputs.dataset: ${{parent.jobs.prep.outputs.cleaned}} names output cleaned of step prep, which its component fixture_prep does not declare (outputs: prepared).",
        ]);
    });

    it("names an input the component does not declare, and the required input left unbound", () => {
        expect(problemsOf("unknown-port")).toEqual([
            "jobs.train.inputs.labels_column: component fixture_train has no input labels_column (inputs: dataset, label_column, fraction, seed, shuffle, note).",
            "jobs.train.inputs.label_column: required by component fixture_train (no default, not optional) and not bound.",
        ]);
    });

    it("finds a cycle and shows it in the direction the data flows", () => {
        expect(problemsOf("cycle")).toEqual([
            "jobs: steps first -> second -> third -> first form a cycle: a step cannot read its own output, directly or through other steps.",
        ]);
    });

    it("fails every step without compute when there is no default compute", () => {
        expect(problemsOf("tiny", { hasDefault: false, steps: [] })).toEqual([
            "jobs.prep: no compute: a pipeline cannot run without compute; set computeId (the pipeline's default compute) or stepComputeIds.prep.",
            "jobs.train: no compute: a pipeline cannot run without compute; set computeId (the pipeline's default compute) or stepComputeIds.train.",
        ]);
    });

    it("accepts steps with compute of their own and rejects compute for a step that does not exist", () => {
        expect(problemsOf("tiny", { hasDefault: false, steps: ["prep", "train"] })).toEqual([]);
        expect(problemsOf("tiny", { hasDefault: true, steps: ["trian"] })).toEqual([
            "stepComputeIds.trian: no step trian in graph.yaml (steps: prep, train).",
        ]);
    });

    it("checks literal types and ranges, data and literal ports, data types and promotions", () => {
        expect(problemsOf("bad-values")).toEqual([
            'jobs.prep.inputs.dataset: a uri_file input must be bound to ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<port>}}, got "rows.csv".',
            "jobs.prep.inputs.drop_column: a string input takes a literal value, got ${{parent.inputs.rows}}.",
            "jobs.train.inputs.dataset: ${{parent.inputs.rows}} is a uri_file, but the input is a uri_folder.",
            "jobs.train.inputs.label_column: 7 is not a valid string value.",
            "jobs.train.inputs.fraction: 1.5 is outside [0, 1].",
            "jobs.train.inputs.seed: 0.5 is not a valid integer value.",
            'jobs.train.inputs.shuffle: "yes" is not a valid boolean value.',
            "jobs.train.inputs.note: a string input takes a literal value, got ${{parent.jobs.prep.outputs.prepared}}.",
            "jobs.train.outputs.model: ${{parent.outputs.models}} names pipeline output models, which graph.yaml does not declare (outputs: model).",
            "outputs.model: promoted by no step output: each pipeline output takes exactly one step output.",
        ]);
    });
});

describe("loadPipeline on malformed files", () => {
    it("reports every shape problem of graph.yaml at once", () => {
        expect(problemsOf("malformed")).toEqual([
            "graph.yaml: unknown key(s) settings (allowed: inputs, outputs, jobs).",
            'inputs.rows: type must be uri_file or uri_folder, got string "mltable".',
            'inputs.missing: path "../data/absent.csv" does not exist next to graph.yaml.',
            'inputs.folder: path "../data" is a folder, but the type is uri_file.',
            "inputs.extra: unknown key(s) mode (allowed: type, path).",
            'outputs.model: type must be uri_folder, got string "uri_file".',
            "jobs.Prep: step names are lowercase letters, digits and '_', not starting with a digit.",
            'jobs.nowhere: component "../components/absent" has no component.yaml.',
            "jobs.retried: unknown key(s) retries (allowed: component, inputs, outputs).",
            "jobs.odd.inputs.dataset: ${{parent.jobs.prep.prepared}} is not a binding: expected ${{parent.inputs.<name>}} or ${{parent.jobs.<step>.outputs.<port>}}.",
            "jobs.odd.inputs.drop_column: expected a binding or a string, number or boolean, got a list.",
            "jobs.odd.outputs.prepared: model is not a promotion: expected ${{parent.outputs.<name>}}.",
        ]);
    });

    it("reports every rule a component.yaml breaks, naming the step and the file", () => {
        const at = "jobs.broken.component (../components/broken/component.yaml)";
        expect(problemsOf("broken-component")).toEqual([
            `${at}: name "fixture broken" is not a valid asset name (1-255 letters, digits, '_', '-', '.', starting with a letter, digit or '_').`,
            `${at}: type "pipeline" is not supported: only command components.`,
            `${at}: sets version 3: leave it out, the deployment derives it from the content (component versions are immutable).`,
            `${at}: command must be a non-empty string.`,
            `${at}: environment must be a non-empty string.`,
            `${at}: inputs.dataset: type "mltable" is not supported (supported: uri_file, uri_folder, string, number, integer, boolean).`,
            `${at}: inputs.2nd: port names are letters, digits and '_', not starting with a digit.`,
            `${at}: outputs must be a mapping, got a list.`,
            `${at}: code "./missing" is not a folder next to the component.yaml.`,
        ]);
    });

    it("reports a missing graph.yaml and unparsable YAML without throwing", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-"));
        try {
            const missing = loadPipeline(dir);
            expect(missing.graph).toBeUndefined();
            expect(missing.problems).toHaveLength(1);
            expect(missing.problems[0]).toMatch(/^graph\.yaml: cannot read .*graph\.yaml: ENOENT/);

            fs.writeFileSync(path.join(dir, "graph.yaml"), "inputs: [unclosed\n");
            const broken = loadPipeline(dir);
            expect(broken.graph).toBeUndefined();
            expect(broken.problems[0]).toMatch(/^graph\.yaml: .*graph\.yaml is not valid YAML: /);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("findCycle", () => {
    it("returns a closed path in the 'reads from' direction, or undefined", () => {
        expect(findCycle(new Map([["a", ["b"]], ["b", ["a"]]]))).toEqual(["a", "b", "a"]);
        expect(findCycle(new Map([["a", ["a"]]]))).toEqual(["a", "a"]);
        expect(findCycle(new Map([["a", []], ["b", ["a"]], ["c", ["a", "b"]]]))).toBeUndefined();
    });
});

describe("content hashes", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hash-"));
        fs.mkdirSync(path.join(dir, "step", "lib"), { recursive: true });
        fs.writeFileSync(path.join(dir, "step", "main.py"), "print(1)\n");
        fs.writeFileSync(path.join(dir, "step", "lib", "util.py"), "X = 1\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("lists files sorted by relative path and leaves out caches, tests, compiled and hidden files", () => {
        for (const skipped of ["__pycache__", "tests", ".pytest_cache"]) {
            fs.mkdirSync(path.join(dir, "step", skipped));
            fs.writeFileSync(path.join(dir, "step", skipped, "x.py"), "");
        }
        fs.writeFileSync(path.join(dir, "step", "main.pyc"), "");
        fs.writeFileSync(path.join(dir, "step", ".DS_Store"), "");
        expect(listFiles(path.join(dir, "step")).map((file) => file.relativePath)).toEqual(["lib/util.py", "main.py"]);
        expect([isSkipped("tests", true), isSkipped("tests", false), isSkipped("a.pyc", false), isSkipped("a.py", false)])
            .toEqual([true, false, true, false]);
    });

    it("is the same for the same content anywhere, and changes with a byte or a file name", () => {
        const first = digestPath(path.join(dir, "step")).hash;
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "hash-copy-"));
        try {
            fs.cpSync(path.join(dir, "step"), path.join(copy, "step"), { recursive: true });
            fs.mkdirSync(path.join(copy, "step", "__pycache__"));
            fs.writeFileSync(path.join(copy, "step", "__pycache__", "main.cpython-310.pyc"), "cache");
            expect(digestPath(path.join(copy, "step")).hash).toBe(first);
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
        fs.writeFileSync(path.join(dir, "step", "main.py"), "print(2)\n");
        const edited = digestPath(path.join(dir, "step")).hash;
        fs.renameSync(path.join(dir, "step", "main.py"), path.join(dir, "step", "main2.py"));
        const renamed = digestPath(path.join(dir, "step")).hash;
        expect(new Set([first, edited, renamed]).size).toBe(3);
        expect(first).toMatch(/^[0-9a-f]{64}$/);
    });

    it("hashes path, size and bytes, so moving bytes from one file to the next changes the hash", () => {
        fs.writeFileSync(path.join(dir, "a"), "xy");
        fs.writeFileSync(path.join(dir, "b"), "z");
        const before = hashFiles([{ relativePath: "a", absolutePath: path.join(dir, "a") }, { relativePath: "b", absolutePath: path.join(dir, "b") }]);
        fs.writeFileSync(path.join(dir, "a"), "x");
        fs.writeFileSync(path.join(dir, "b"), "yz");
        const after = hashFiles([{ relativePath: "a", absolutePath: path.join(dir, "a") }, { relativePath: "b", absolutePath: path.join(dir, "b") }]);
        expect(after).not.toBe(before);
    });

    it("keeps a folder's files under its name and a single file as itself", () => {
        const folder = digestPath(path.join(dir, "step"));
        expect(folder.uploadName).toBe("step");
        expect(folder.files.map((file) => uploadPath(folder, file))).toEqual(["step/lib/util.py", "step/main.py"]);
        const file = digestPath(path.join(dir, "step", "main.py"));
        expect(file.files.map((entry) => uploadPath(file, entry))).toEqual(["main.py"]);
    });

    it("writes canonical JSON with sorted keys at every level", () => {
        expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
    });
});

describe("buildJobBody", () => {
    const refs: JobReferences = {
        componentIds: { fixture_prep: "WSID/components/fixture_prep/versions/p1", fixture_train: "WSID/components/fixture_train/versions/t1" },
        inputUris: { rows: "WSID/data/tiny_rows/versions/d1" },
        defaultComputeId: "WSID/computes/ci1",
        stepComputeIds: {},
        defaultDatastoreId: "WSID/datastores/workspaceblobstore",
    };
    const settings: JobSettings = { experimentName: "exp", displayName: "Tiny", description: undefined, continueOnStepFailure: false };

    it("builds the wire format of the reference notes from the graph", () => {
        const graph = loadClean(path.join(FIXTURES, "tiny"));
        expect(buildJobBody(graph, refs, settings)).toEqual({
            jobType: "Pipeline",
            experimentName: "exp",
            displayName: "Tiny",
            inputs: { rows: { jobInputType: "uri_file", uri: "WSID/data/tiny_rows/versions/d1", mode: "ReadOnlyMount" } },
            outputs: { model: { jobOutputType: "uri_folder", mode: "ReadWriteMount" } },
            settings: {
                default_compute: "WSID/computes/ci1",
                default_datastore: "WSID/datastores/workspaceblobstore",
                continue_on_step_failure: false,
            },
            jobs: {
                prep: {
                    type: "command",
                    name: "prep",
                    componentId: "WSID/components/fixture_prep/versions/p1",
                    inputs: { dataset: { job_input_type: "literal", value: "${{parent.inputs.rows}}" } },
                },
                train: {
                    type: "command",
                    name: "train",
                    componentId: "WSID/components/fixture_train/versions/t1",
                    inputs: {
                        dataset: { job_input_type: "literal", value: "${{parent.jobs.prep.outputs.prepared}}" },
                        label_column: { job_input_type: "literal", value: "price" },
                        fraction: { job_input_type: "literal", value: "0.75" },
                        seed: { job_input_type: "literal", value: "42" },
                        shuffle: { job_input_type: "literal", value: "True" },
                    },
                    outputs: { model: { type: "literal", value: "${{parent.outputs.model}}" } },
                },
            },
        });
    });

    it("puts a step's own compute on the step, and leaves default_compute out when there is none", () => {
        const graph = loadClean(path.join(FIXTURES, "tiny"));
        const body = buildJobBody(graph, { ...refs, defaultComputeId: undefined, stepComputeIds: { prep: "WSID/computes/a", train: "WSID/computes/b" } }, { ...settings, description: "d" });
        expect(body.settings).toEqual({ default_datastore: "WSID/datastores/workspaceblobstore", continue_on_step_failure: false });
        expect(body.jobs.prep.computeId).toBe("WSID/computes/a");
        expect(body.jobs.train.computeId).toBe("WSID/computes/b");
        expect(body.description).toBe("d");
        expect("computeId" in body).toBe(false);
    });

    it("writes literals as the Python SDK does (str())", () => {
        expect([literalText(true), literalText(false), literalText(0.7), literalText(3), literalText("price")])
            .toEqual(["True", "False", "0.7", "3", "price"]);
    });

    it("fails loudly on a missing reference instead of sending an incomplete job", () => {
        const graph = loadClean(path.join(FIXTURES, "tiny"));
        expect(() => buildJobBody(graph, { ...refs, componentIds: {} }, settings)).toThrow("buildJobBody: no component id for fixture_prep");
    });
});
