/**
 * The training pipeline's graph (`graph.yaml`) and its components' YAML, read and checked.
 *
 * The graph is defined once, in the pipeline folder; run_local.py runs it here, and this module reads it
 * for the Azure ML job. Everything is checked before a resource exists: each problem names its place in
 * graph.yaml (`jobs.<step>.inputs.<port>`) so that `pulumi preview` fails with a message a learner can
 * act on, instead of Azure failing the submitted job. Pure apart from reading the files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

/** The data types a pipeline input or a step's data port may have. */
export const DATA_TYPES = ["uri_file", "uri_folder"] as const;
export type DataType = (typeof DATA_TYPES)[number];
/** The types of a step's literal (parameter) inputs. */
export const LITERAL_TYPES = ["string", "number", "integer", "boolean"] as const;

const NODE_NAME = /^[a-z_][a-z0-9_]*$/;
const PORT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ASSET_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,254}$/;
const PIPELINE_INPUT = /^\$\{\{parent\.inputs\.([^.}\s]+)\}\}$/;
const NODE_OUTPUT = /^\$\{\{parent\.jobs\.([^.}\s]+)\.outputs\.([^.}\s]+)\}\}$/;
const PIPELINE_OUTPUT = /^\$\{\{parent\.outputs\.([^.}\s]+)\}\}$/;

/** A step input's source in graph.yaml. */
export type Binding =
    | { readonly kind: "pipelineInput"; readonly input: string; readonly text: string }
    | { readonly kind: "nodeOutput"; readonly node: string; readonly port: string; readonly text: string }
    | { readonly kind: "literal"; readonly value: string | number | boolean };

/** A port of a component, as its YAML declares it. */
export interface PortSpec {
    readonly type: string;
    readonly default?: unknown;
    readonly optional?: boolean;
    readonly min?: number;
    readonly max?: number;
}

/** A component YAML, parsed. */
export interface LoadedComponent {
    /** The component's `name` (the asset name). */
    readonly name: string;
    /** The component.yaml file. */
    readonly file: string;
    /** The folder holding the component.yaml. */
    readonly folder: string;
    /** The code folder (`code:` resolved against the component.yaml's folder). */
    readonly codePath: string;
    /** The whole YAML, as parsed: the base of the registered component's spec. */
    readonly spec: Readonly<Record<string, unknown>>;
    readonly inputs: Readonly<Record<string, PortSpec>>;
    readonly outputs: Readonly<Record<string, PortSpec>>;
}

/** One step of the graph. */
export interface PipelineNode {
    readonly name: string;
    readonly component: LoadedComponent;
    /** Input port → binding, in graph.yaml order. */
    readonly inputs: Readonly<Record<string, Binding>>;
    /** Output port → the pipeline output it is promoted to. */
    readonly outputs: Readonly<Record<string, string>>;
}

/** A pipeline input: a file or folder uploaded as a data asset. */
export interface PipelineInput {
    readonly type: DataType;
    /** The absolute path of the file or folder. */
    readonly path: string;
}

/** The graph, read and checked, with every step's component. */
export interface PipelineGraph {
    /** The graph.yaml file. */
    readonly file: string;
    readonly inputs: Readonly<Record<string, PipelineInput>>;
    readonly outputs: Readonly<Record<string, { readonly type: DataType }>>;
    /** Steps by name, in graph.yaml order. */
    readonly jobs: Readonly<Record<string, PipelineNode>>;
}

/** Which steps have compute: a default for all, and the steps given their own. */
export interface ComputeCoverage {
    readonly hasDefault: boolean;
    readonly steps: readonly string[];
}

/** The result of reading a pipeline: the graph when it could be read at all, and every problem found. */
export interface PipelineLoad {
    readonly graph: PipelineGraph | undefined;
    readonly problems: string[];
}

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

function list(names: Iterable<string>): string {
    const all = [...names];
    return all.length === 0 ? "none" : all.join(", ");
}

/** Problems with a mapping's keys: the ones it must have and the only others it may have. */
function keyProblems(where: string, value: unknown, required: string[], optional: string[] = []): string[] {
    if (!isMapping(value)) {
        return [`${where}: expected a mapping with ${list([...required, ...optional])}, got ${describe(value)}.`];
    }
    const missing = required.filter((key) => !(key in value));
    const unknown = Object.keys(value).filter((key) => !required.includes(key) && !optional.includes(key));
    const problems: string[] = [];
    if (missing.length > 0) {
        problems.push(`${where}: missing ${list(missing)}.`);
    }
    if (unknown.length > 0) {
        problems.push(`${where}: unknown key(s) ${list(unknown)} (allowed: ${list([...required, ...optional])}).`);
    }
    return problems;
}

function describe(value: unknown): string {
    if (value === null || value === undefined) {
        return "nothing";
    }
    return Array.isArray(value) ? "a list" : `${typeof value} ${JSON.stringify(value)}`;
}

/** Reads a YAML file; a problem instead of an exception when it cannot be read or parsed. */
function readYaml(file: string, where: string): { value?: unknown; problem?: string } {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        return { problem: `${where}: cannot read ${file}: ${(error as Error).message}` };
    }
    const document = YAML.parseDocument(text);
    if (document.errors.length > 0) {
        return { problem: `${where}: ${file} is not valid YAML: ${document.errors[0].message}` };
    }
    return { value: document.toJS() };
}

/**
 * Reads and checks one component.yaml; `where` names the step that uses it and `shown` the file as
 * graph.yaml names it.
 */
function loadComponent(file: string, where: string, shown: string): { component?: LoadedComponent; problems: string[] } {
    const read = readYaml(file, where);
    if (read.problem) {
        return { problems: [read.problem] };
    }
    const spec = read.value;
    const problems: string[] = [];
    const at = `${where} (${shown})`;
    if (!isMapping(spec)) {
        return { problems: [`${at}: expected a mapping, got ${describe(spec)}.`] };
    }
    const name = spec.name;
    if (typeof name !== "string" || !ASSET_NAME.test(name)) {
        problems.push(`${at}: name ${JSON.stringify(name)} is not a valid asset name (1-255 letters, digits, '_', '-', '.', starting with a letter, digit or '_').`);
    }
    if (spec.type !== "command") {
        problems.push(`${at}: type ${JSON.stringify(spec.type)} is not supported: only command components.`);
    }
    if ("version" in spec) {
        problems.push(`${at}: sets version ${JSON.stringify(spec.version)}: leave it out, the deployment derives it from the content (component versions are immutable).`);
    }
    for (const key of ["command", "environment", "code"]) {
        if (typeof spec[key] !== "string" || (spec[key] as string).trim() === "") {
            problems.push(`${at}: ${key} must be a non-empty string.`);
        }
    }
    const ports = (kind: "inputs" | "outputs"): Record<string, PortSpec> => {
        const declared = spec[kind] ?? {};
        if (!isMapping(declared)) {
            problems.push(`${at}: ${kind} must be a mapping, got ${describe(declared)}.`);
            return {};
        }
        const result: Record<string, PortSpec> = {};
        for (const [port, portSpec] of Object.entries(declared)) {
            if (!PORT_NAME.test(port)) {
                problems.push(`${at}: ${kind}.${port}: port names are letters, digits and '_', not starting with a digit.`);
            }
            if (!isMapping(portSpec) || typeof portSpec.type !== "string") {
                problems.push(`${at}: ${kind}.${port}: expected a mapping with a type.`);
                continue;
            }
            const allowed: readonly string[] = kind === "outputs" ? DATA_TYPES : [...DATA_TYPES, ...LITERAL_TYPES];
            if (!allowed.includes(portSpec.type)) {
                problems.push(`${at}: ${kind}.${port}: type ${JSON.stringify(portSpec.type)} is not supported (supported: ${list(allowed)}).`);
            }
            result[port] = portSpec as unknown as PortSpec;
        }
        return result;
    };
    const inputs = ports("inputs");
    const outputs = ports("outputs");
    const folder = path.dirname(file);
    const codePath = path.resolve(folder, typeof spec.code === "string" ? spec.code : ".");
    if (typeof spec.code === "string" && !(fs.existsSync(codePath) && fs.statSync(codePath).isDirectory())) {
        problems.push(`${at}: code ${JSON.stringify(spec.code)} is not a folder next to the component.yaml.`);
    }
    if (problems.length > 0) {
        return { problems };
    }
    return { component: { name: name as string, file, folder, codePath, spec, inputs, outputs }, problems };
}

/** Parses one step input's value: a `${{...}}` binding or a literal. */
function parseBinding(where: string, value: unknown): { binding?: Binding; problem?: string } {
    if (typeof value === "string" && value.includes("${{")) {
        const input = PIPELINE_INPUT.exec(value);
        if (input) {
            return { binding: { kind: "pipelineInput", input: input[1], text: value } };
        }
        const output = NODE_OUTPUT.exec(value);
        if (output) {
            return { binding: { kind: "nodeOutput", node: output[1], port: output[2], text: value } };
        }
        return { problem: `${where}: ${value} is not a binding: expected \${{parent.inputs.<name>}} or \${{parent.jobs.<step>.outputs.<port>}}.` };
    }
    if (typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) {
        return { binding: { kind: "literal", value } };
    }
    return { problem: `${where}: expected a binding or a string, number or boolean, got ${describe(value)}.` };
}

/**
 * Reads `<dir>/graph.yaml` and every component it names, and checks the graph's own shape: keys, input
 * paths and types, step names, component YAMLs. References between parts are checked by checkPipeline.
 */
export function loadPipeline(dir: string): PipelineLoad {
    const file = path.join(dir, "graph.yaml");
    const read = readYaml(file, "graph.yaml");
    if (read.problem) {
        return { graph: undefined, problems: [read.problem] };
    }
    const raw = read.value;
    const problems = keyProblems("graph.yaml", raw, ["inputs", "outputs", "jobs"]);
    if (!isMapping(raw)) {
        return { graph: undefined, problems };
    }
    const section = (key: string): Mapping => {
        const value = raw[key];
        if (value === undefined) {
            return {};
        }
        if (!isMapping(value)) {
            problems.push(`${key}: expected a mapping, got ${describe(value)}.`);
            return {};
        }
        return value;
    };

    const inputs: Record<string, PipelineInput> = {};
    for (const [name, spec] of Object.entries(section("inputs"))) {
        const where = `inputs.${name}`;
        const shape = keyProblems(where, spec, ["type", "path"]);
        problems.push(...shape);
        if (shape.length > 0 || !isMapping(spec)) {
            continue;
        }
        if (!PORT_NAME.test(name)) {
            problems.push(`${where}: input names are letters, digits and '_', not starting with a digit.`);
        }
        if (!(DATA_TYPES as readonly unknown[]).includes(spec.type)) {
            problems.push(`${where}: type must be uri_file or uri_folder, got ${describe(spec.type)}.`);
            continue;
        }
        const absolute = path.resolve(dir, String(spec.path));
        if (!fs.existsSync(absolute)) {
            problems.push(`${where}: path ${JSON.stringify(spec.path)} does not exist next to graph.yaml.`);
            continue;
        }
        const isFolder = fs.statSync(absolute).isDirectory();
        if (isFolder !== (spec.type === "uri_folder")) {
            problems.push(`${where}: path ${JSON.stringify(spec.path)} is a ${isFolder ? "folder" : "file"}, but the type is ${spec.type}.`);
            continue;
        }
        inputs[name] = { type: spec.type as DataType, path: absolute };
    }

    const outputs: Record<string, { type: DataType }> = {};
    for (const [name, spec] of Object.entries(section("outputs"))) {
        const where = `outputs.${name}`;
        const shape = keyProblems(where, spec, ["type"]);
        problems.push(...shape);
        if (shape.length > 0 || !isMapping(spec)) {
            continue;
        }
        if (!PORT_NAME.test(name)) {
            problems.push(`${where}: output names are letters, digits and '_', not starting with a digit.`);
        }
        if (spec.type !== "uri_folder") {
            problems.push(`${where}: type must be uri_folder, got ${describe(spec.type)}.`);
            continue;
        }
        outputs[name] = { type: "uri_folder" };
    }

    const jobs: Record<string, PipelineNode> = {};
    const components = new Map<string, LoadedComponent>();
    for (const [name, spec] of Object.entries(section("jobs"))) {
        const where = `jobs.${name}`;
        const shape = keyProblems(where, spec, ["component"], ["inputs", "outputs"]);
        problems.push(...shape);
        if (shape.length > 0 || !isMapping(spec)) {
            continue;
        }
        if (!NODE_NAME.test(name)) {
            problems.push(`${where}: step names are lowercase letters, digits and '_', not starting with a digit.`);
        }
        const componentFile = path.resolve(dir, String(spec.component), "component.yaml");
        if (!fs.existsSync(componentFile)) {
            problems.push(`${where}: component ${JSON.stringify(spec.component)} has no component.yaml.`);
            continue;
        }
        const loaded = loadComponent(componentFile, `${where}.component`, path.relative(dir, componentFile));
        problems.push(...loaded.problems);
        if (!loaded.component) {
            continue;
        }
        const component = loaded.component;
        const twin = components.get(component.name);
        if (twin && twin.file !== component.file) {
            problems.push(`${where}.component: ${path.relative(dir, component.file)} and ${path.relative(dir, twin.file)} are both named ${component.name}: component names must be unique.`);
            continue;
        }
        components.set(component.name, component);

        const nodeInputs: Record<string, Binding> = {};
        const inputSpec = spec.inputs ?? {};
        if (!isMapping(inputSpec)) {
            problems.push(`${where}.inputs: expected a mapping, got ${describe(inputSpec)}.`);
        } else {
            for (const [port, value] of Object.entries(inputSpec)) {
                const parsed = parseBinding(`${where}.inputs.${port}`, value);
                if (parsed.binding) {
                    nodeInputs[port] = parsed.binding;
                } else {
                    problems.push(parsed.problem as string);
                }
            }
        }
        const nodeOutputs: Record<string, string> = {};
        const outputSpec = spec.outputs ?? {};
        if (!isMapping(outputSpec)) {
            problems.push(`${where}.outputs: expected a mapping, got ${describe(outputSpec)}.`);
        } else {
            for (const [port, value] of Object.entries(outputSpec)) {
                const promoted = typeof value === "string" ? PIPELINE_OUTPUT.exec(value) : null;
                if (promoted) {
                    nodeOutputs[port] = promoted[1];
                } else {
                    problems.push(`${where}.outputs.${port}: ${typeof value === "string" ? value : describe(value)} is not a promotion: expected \${{parent.outputs.<name>}}.`);
                }
            }
        }
        jobs[name] = { name, component, inputs: nodeInputs, outputs: nodeOutputs };
    }
    if (Object.keys(section("jobs")).length === 0 && isMapping(raw.jobs)) {
        problems.push("jobs: the pipeline has no steps.");
    }
    return { graph: { file, inputs, outputs, jobs }, problems };
}

/**
 * Checks every reference of a loaded graph: each step input names a port its component declares, each
 * binding resolves to a pipeline input or another step's declared output of the same data type, literals
 * fit their port, required inputs are bound, each pipeline output is promoted exactly once, no cycle,
 * and every step has compute.
 */
export function checkPipeline(graph: PipelineGraph, compute: ComputeCoverage): string[] {
    const problems: string[] = [];
    const steps = Object.keys(graph.jobs);
    for (const step of compute.steps) {
        if (!(step in graph.jobs)) {
            problems.push(`stepComputeIds.${step}: no step ${step} in graph.yaml (steps: ${list(steps)}).`);
        }
    }
    const promotions = new Map<string, string[]>();
    for (const node of Object.values(graph.jobs)) {
        const component = node.component;
        for (const [port, binding] of Object.entries(node.inputs)) {
            const where = `jobs.${node.name}.inputs.${port}`;
            const declared = component.inputs[port];
            if (!declared) {
                problems.push(`${where}: component ${component.name} has no input ${port} (inputs: ${list(Object.keys(component.inputs))}).`);
                continue;
            }
            const isData = (DATA_TYPES as readonly string[]).includes(declared.type);
            if (binding.kind === "literal") {
                if (isData) {
                    problems.push(`${where}: a ${declared.type} input must be bound to \${{parent.inputs.<name>}} or \${{parent.jobs.<step>.outputs.<port>}}, got ${JSON.stringify(binding.value)}.`);
                } else {
                    problems.push(...literalProblems(where, declared, binding.value));
                }
                continue;
            }
            if (!isData) {
                problems.push(`${where}: a ${declared.type} input takes a literal value, got ${binding.text}.`);
                continue;
            }
            let sourceType: string | undefined;
            if (binding.kind === "pipelineInput") {
                const input = graph.inputs[binding.input];
                if (!input) {
                    problems.push(`${where}: ${binding.text} names pipeline input ${binding.input}, which graph.yaml does not declare (inputs: ${list(Object.keys(graph.inputs))}).`);
                    continue;
                }
                sourceType = input.type;
            } else {
                const source = graph.jobs[binding.node];
                if (!source) {
                    problems.push(`${where}: ${binding.text} names step ${binding.node}, which graph.yaml does not have (steps: ${list(steps)}).`);
                    continue;
                }
                const output = source.component.outputs[binding.port];
                if (!output) {
                    problems.push(`${where}: ${binding.text} names output ${binding.port} of step ${binding.node}, which its component ${source.component.name} does not declare (outputs: ${list(Object.keys(source.component.outputs))}).`);
                    continue;
                }
                sourceType = output.type;
            }
            if (sourceType !== declared.type) {
                problems.push(`${where}: ${binding.text} is a ${sourceType}, but the input is a ${declared.type}.`);
            }
        }
        for (const [port, declared] of Object.entries(component.inputs)) {
            if (!(port in node.inputs) && declared.default === undefined && declared.optional !== true) {
                problems.push(`jobs.${node.name}.inputs.${port}: required by component ${component.name} (no default, not optional) and not bound.`);
            }
        }
        for (const [port, pipelineOutput] of Object.entries(node.outputs)) {
            const where = `jobs.${node.name}.outputs.${port}`;
            const declared = component.outputs[port];
            if (!declared) {
                problems.push(`${where}: component ${component.name} has no output ${port} (outputs: ${list(Object.keys(component.outputs))}).`);
                continue;
            }
            const target = graph.outputs[pipelineOutput];
            if (!target) {
                problems.push(`${where}: \${{parent.outputs.${pipelineOutput}}} names pipeline output ${pipelineOutput}, which graph.yaml does not declare (outputs: ${list(Object.keys(graph.outputs))}).`);
                continue;
            }
            if (declared.type !== target.type) {
                problems.push(`${where}: a ${declared.type} output cannot be promoted to the ${target.type} pipeline output ${pipelineOutput}.`);
                continue;
            }
            promotions.set(pipelineOutput, [...(promotions.get(pipelineOutput) ?? []), where]);
        }
    }
    for (const name of Object.keys(graph.outputs)) {
        const sources = promotions.get(name) ?? [];
        if (sources.length !== 1) {
            problems.push(`outputs.${name}: promoted by ${sources.length === 0 ? "no step output" : list(sources)}: each pipeline output takes exactly one step output.`);
        }
    }
    const cycle = findCycle(dependencies(graph));
    if (cycle) {
        // findCycle follows "reads from"; the message follows the data, from each step to its reader.
        problems.push(`jobs: steps ${[...cycle].reverse().join(" -> ")} form a cycle: a step cannot read its own output, directly or through other steps.`);
    }
    if (!compute.hasDefault) {
        for (const step of steps.filter((name) => !compute.steps.includes(name))) {
            problems.push(`jobs.${step}: no compute: a pipeline cannot run without compute; set computeId (the pipeline's default compute) or stepComputeIds.${step}.`);
        }
    }
    return problems;
}

function literalProblems(where: string, declared: PortSpec, value: string | number | boolean): string[] {
    const fits =
        (declared.type === "string" && typeof value === "string") ||
        (declared.type === "number" && typeof value === "number") ||
        (declared.type === "integer" && typeof value === "number" && Number.isInteger(value)) ||
        (declared.type === "boolean" && typeof value === "boolean");
    if (!fits) {
        return [`${where}: ${JSON.stringify(value)} is not a valid ${declared.type} value.`];
    }
    if (typeof value === "number" && ((declared.min !== undefined && value < declared.min) || (declared.max !== undefined && value > declared.max))) {
        return [`${where}: ${value} is outside [${declared.min ?? "-inf"}, ${declared.max ?? "inf"}].`];
    }
    return [];
}

/** Step → the steps whose outputs it reads (only steps that exist). */
export function dependencies(graph: PipelineGraph): Map<string, string[]> {
    const result = new Map<string, string[]>();
    for (const node of Object.values(graph.jobs)) {
        const sources = Object.values(node.inputs)
            .filter((binding): binding is Extract<Binding, { kind: "nodeOutput" }> => binding.kind === "nodeOutput")
            .map((binding) => binding.node)
            .filter((source) => source in graph.jobs);
        result.set(node.name, [...new Set(sources)]);
    }
    return result;
}

/** One cycle as a closed path (`a, b, a`), or undefined. Steps are visited in graph order. */
export function findCycle(dependsOn: ReadonlyMap<string, readonly string[]>): string[] | undefined {
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (step: string): string[] | undefined => {
        state.set(step, "visiting");
        stack.push(step);
        for (const source of dependsOn.get(step) ?? []) {
            if (state.get(source) === "visiting") {
                return [...stack.slice(stack.indexOf(source)), source];
            }
            if (!state.has(source)) {
                const found = visit(source);
                if (found) {
                    return found;
                }
            }
        }
        stack.pop();
        state.set(step, "done");
        return undefined;
    };
    for (const step of dependsOn.keys()) {
        if (!state.has(step)) {
            const found = visit(step);
            if (found) {
                return found;
            }
        }
    }
    return undefined;
}
