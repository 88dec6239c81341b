/**
 * `npm run plan` end to end, in-process: main() with the real program (index.ts) against the engine
 * double, stack files in temporary project directories, output captured. Each program run loads the
 * program in a module registry of its own, as the CLI's single run does in its process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, MainOptions } from "../../plan/main";
import { PLAN_FORMAT, PLAN_SCHEMA_VERSION, Plan, PolicyEvaluator } from "../../plan/model";
import type { ProgramResult, ProgramRunner } from "../../plan/program";
import { PROVISIONING_TIMES } from "../../plan/provisioningTimes";
import { secretPlaceholder } from "../../plan/stackConfig";

const REPO = path.resolve(__dirname, "../..");
const DEV_STACK = fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");

/** The dev stack's program run, kept for tests about what the plan does with it (not about the program). */
let devResult: ProgramResult | undefined;

/** Loads index.ts afresh for every run (its own @pulumi/pulumi, mocks and config). */
const runProgram: ProgramRunner = async (request) => {
    let result: ProgramResult | undefined;
    await jest.isolateModulesAsync(async () => {
        // A require, not an import(): a CommonJS module under node16 resolution, and jest's
        // module registry decides what it loads.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runWithEngineDouble } = require("../../plan/program") as typeof import("../../plan/program");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        result = await runWithEngineDouble(request, () => require("../../index"));
    });
    if (request.stack === "dev") {
        devResult = result;
    }
    return result as ProgramResult;
};

/** A project directory with the repository's Pulumi.yaml and the given stack files. */
function project(stacks: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [name, text] of Object.entries(stacks)) {
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
    }
    return dir;
}

interface Run {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

async function plan(argv: string[], cwd: string, extra: Partial<MainOptions> = {}): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const status = await main(argv, {
        cwd,
        runProgram,
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        ...extra,
    });
    return { status, stdout, stderr };
}

const readJson = (file: string): Plan => JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
const squeeze = (line: string) => line.replace(/\s+/g, " ").trim();

const URN = {
    group: "urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$azure-native:resources:ResourceGroup::lab-rg",
    logs: "urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$mllab:index:MlWorkspace$azure-native:operationalinsights:Workspace::lab-ml-logs",
    insights: "urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$mllab:index:MlWorkspace$azure-native:applicationinsights:Component::lab-ml-appinsights",
    workspace: "urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$mllab:index:MlWorkspace$azure-native:machinelearningservices:Workspace::lab-ml-workspace",
    compute: "urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$mllab:index:ComputeInstance$azure-native:machinelearningservices:Compute::lab-compute-instance",
};

let dir: string;
let dev: Run;
let devPlan: Plan;
let markdown: string;

beforeAll(async () => {
    dir = project({
        dev: DEV_STACK,
        bigvm: `${DEV_STACK}  dp100-lab:computeInstanceVmSize: Standard_DS3_v2\n`,
        secure: `${DEV_STACK}  dp100-lab:resourceGroupName:\n    secure: v1:c2VjcmV0LXBsYWludGV4dC1pcy1uZXZlci1zZWVu\n`,
        badconfig: "config:\n  azure-native:location: westeurope\n  dp100-lab:computeInstanceVmSize: Huge\n",
        badyaml: "config:\n  azure-native:location: [westeurope\n",
    });
    dev = await plan(["--json", "out/dev.json", "--markdown", "out/dev.md"], dir);
    devPlan = readJson(path.join(dir, "out/dev.json"));
    markdown = fs.readFileSync(path.join(dir, "out/dev.md"), "utf8");
});

afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
});

describe("the dev stack's plan", () => {
    test("exits 0 and starts with the banner: a plan of the program with fake ids, not Azure's answer", () => {
        expect(dev.stderr).toBe("");
        expect(dev.status).toBe(0);
        const head = dev.stdout.split("\n").slice(0, 4).join("\n");
        expect(head).toContain("OFFLINE PLAN of dp100-lab, stack dev (Pulumi.dev.yaml over Pulumi.yaml)");
        expect(head).toContain("This is a plan of the program, not Azure's answer");
        expect(head).toContain("fake ids");
        expect(dev.stdout).toContain("no credentials, no Pulumi CLI, no network");
    });

    test("groups the tree as pulumi preview does: stack, lab component, its children in deployment order", () => {
        const lines = dev.stdout.split("\n").map(squeeze);
        expect(lines).toContain("Type Name Plan");
        expect(lines).toContain("+ pulumi:pulumi:Stack dp100-lab-dev create");
        expect(lines).toContain("+ └─ mllab:index:Dp100Lab lab create");
        expect(lines).toContain("+ ├─ azure-native:resources:ResourceGroup lab-rg create");
        expect(lines).toContain("+ ├─ mllab:index:MlWorkspace lab-ml create");
        expect(lines).toContain("+ │ ├─ azure-native:storage:StorageAccount lab-ml-storage create");
        // Last or not, depending on what the lab gains after the compute instance.
        expect(lines).toContainEqual(expect.stringMatching(/^\+ [├└]─ mllab:index:ComputeInstance lab-compute create$/));
        expect(lines).toContainEqual(expect.stringMatching(/^\+ (│ )?└─ azure-native:machinelearningservices:Compute lab-compute-instance create$/));
        const order = ["lab-rg", "lab-ml-storage", "lab-ml-workspace", "lab-compute-instance"]
            .map((name) => lines.findIndex((line) => line.endsWith(` ${name} create`)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
    });

    test("shows the key settings of each resource, absent ones as (not set), and the resource options", () => {
        const lines = dev.stdout.split("\n").map(squeeze);
        const storage = lines.indexOf("lab-ml-storage (azure-native:storage:StorageAccount)");
        expect(lines.slice(storage + 1, storage + 6)).toEqual([
            "accountName stmlwdp100labsxxx7k2",
            "kind StorageV2",
            "sku.name Standard_LRS",
            "minimumTlsVersion TLS1_2",
            "allowBlobPublicAccess false",
        ]);
        expect(lines).toContain("containerRegistry (not set)");
        expect(lines).toContain("identity {type: SystemAssigned}");
        expect(lines).toContain("properties.properties.vmSize Standard_DS11_v2");
        expect(lines).toContain("properties.properties.sshSettings {sshPublicAccess: Disabled}");
        expect(lines).toContain("properties.properties.idleTimeBeforeShutdown PT60M");
        expect(lines).toContain("option replaceOnChanges [properties]");
        expect(lines).toContain("option customTimeouts {create: 30m, delete: 20m, update: 30m}");
    });

    test("the critical path runs resource group -> Log Analytics -> App Insights -> workspace -> ... -> compute instance", () => {
        const path = devPlan.estimate.criticalPath;
        expect(path.slice(0, 4)).toEqual([URN.group, URN.logs, URN.insights, URN.workspace]);
        expect(path.indexOf(URN.compute)).toBeGreaterThan(3);
        const seconds = (key: string) => PROVISIONING_TIMES[key].seconds;
        expect(devPlan.estimate.parallelSeconds).toBeGreaterThanOrEqual(
            seconds("azure-native:resources:ResourceGroup") + seconds("azure-native:operationalinsights:Workspace") +
            seconds("azure-native:applicationinsights:Component") + seconds("azure-native:machinelearningservices:Workspace") +
            seconds("azure-native:machinelearningservices:Compute#ComputeInstance"),
        );
        expect(devPlan.estimate.sequentialSeconds).toBeGreaterThanOrEqual(devPlan.estimate.parallelSeconds);
        expect(dev.stdout).toMatch(/critical path: lab-rg \(5 s\) -> lab-ml-logs \(30 s\) -> lab-ml-appinsights \(15 s\) -> lab-ml-workspace \(2 min 30 s\) -> .*lab-compute-instance \(6 min\)/);
        expect(dev.stdout).toMatch(/^ {2}one after another \(the lab's manual steps, a sequential script\): ~\d+ min/m);
    });

    test("lists the policy pack's results", () => {
        expect(devPlan.policies.policies.length).toBeGreaterThan(0);
        expect(devPlan.policies.mandatory).toBe(0);
        expect(dev.stdout).toContain(`All ${devPlan.policies.policies.length} policies passed.`);
    });
});

describe("--json", () => {
    test("is a documented, versioned plan: resources sorted by URN, with parents, dependencies and options", () => {
        expect(Object.keys(devPlan)).toEqual([
            "format", "schemaVersion", "notice", "project", "stack", "stackFile", "config", "resources", "outputs", "graph", "estimate", "policies",
        ]);
        expect(devPlan).toMatchObject({ format: PLAN_FORMAT, schemaVersion: PLAN_SCHEMA_VERSION, project: "dp100-lab", stack: "dev" });
        const urns = devPlan.resources.map((resource) => resource.urn);
        expect(urns).toEqual([...urns].sort());
        const compute = devPlan.resources.find((resource) => resource.urn === URN.compute);
        expect(Object.keys(compute ?? {})).toEqual(["urn", "type", "name", "parent", "custom", "dependencies", "inputs", "options"]);
        expect(compute?.parent).toBe("urn:pulumi:dev::dp100-lab::mllab:index:Dp100Lab$mllab:index:ComputeInstance::lab-compute");
        expect(compute?.dependencies).toContain(URN.workspace);
        expect(compute?.options).toMatchObject({ deleteBeforeReplace: true, replaceOnChanges: ["properties"] });
        expect(devPlan.graph.edges).toContainEqual({ from: URN.workspace, to: URN.compute, kind: "dependency" });
        expect(devPlan.config["azure-native:location"]).toEqual({ secret: false, source: "stack", value: "westeurope" });
    });

    test("two runs write byte-identical files, and a plan diffed against itself has no changes", async () => {
        const again = await plan(["--json", "out/again.json", "--diff", "out/dev.json"], dir);
        expect(fs.readFileSync(path.join(dir, "out/again.json"), "utf8")).toBe(fs.readFileSync(path.join(dir, "out/dev.json"), "utf8"));
        expect(again.stdout).toContain("Changes against the base plan out/dev.json (stack dev):\n  No changes.\n");
    });
});

describe("--diff", () => {
    test("a stack with another VM size changes exactly that property, a replacement", async () => {
        const run = await plan(["--stack", "bigvm", "--diff", "out/dev.json", "--markdown", "out/bigvm.md"], dir);
        expect(run.status).toBe(0);
        const section = run.stdout.slice(run.stdout.indexOf("Changes against the base plan"), run.stdout.indexOf("\n\nPlan:"));
        expect(section.split("\n")).toEqual([
            "Changes against the base plan out/dev.json (stack dev):",
            "  ~ azure-native:machinelearningservices:Compute  lab-compute-instance  (replaced: replaceOnChanges, deleted first)",
            "      ~ inputs.properties.properties.vmSize: Standard_DS11_v2 -> Standard_DS3_v2",
            "  ~ config dp100-lab:computeInstanceVmSize: Standard_DS11_v2 -> Standard_DS3_v2",
        ]);
        const md = fs.readFileSync(path.join(dir, "out/bigvm.md"), "utf8");
        expect(md).toContain([
            "```diff",
            "! azure-native:machinelearningservices:Compute  lab-compute-instance  (replaced: replaceOnChanges, deleted first)",
            "!     inputs.properties.properties.vmSize: Standard_DS11_v2 -> Standard_DS3_v2",
            "! config dp100-lab:computeInstanceVmSize: Standard_DS11_v2 -> Standard_DS3_v2",
            "```",
        ].join("\n"));
    });

    test.each([
        ["missing.json", undefined, "error: cannot read base plan missing.json: no such file\n"],
        ["notjson.json", "{ not json", "error: base plan notjson.json is not JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)\n"],
        ["other.json", '{"hello": "world"}', `error: base plan other.json is not an offline plan: it has no "format": "${PLAN_FORMAT}" (write one with npm run plan -- --json FILE)\n`],
        ["v9.json", JSON.stringify({ format: PLAN_FORMAT, schemaVersion: 9 }), "error: base plan v9.json has schema version 9; this plan reads schema version 1 (write the base again with this version)\n"],
        ["broken.json", JSON.stringify({ format: PLAN_FORMAT, schemaVersion: 1, resources: [{ urn: 1 }] }), "error: base plan broken.json is not a valid plan: resources[0] lacks urn, type, name, inputs or dependencies\n"],
    ])("a bad base plan (%s) is a one-line error, exit 1, before the program runs", async (file, content, message) => {
        if (content !== undefined) {
            fs.writeFileSync(path.join(dir, file), content);
        }
        const never: ProgramRunner = () => Promise.reject(new Error("the program must not run"));
        const run = await plan(["--diff", file], dir, { runProgram: never });
        expect(run).toEqual({ status: 1, stdout: "", stderr: message });
    });
});

describe("--markdown", () => {
    test("has the banner, a summary table, the tree and a Mermaid graph TD with every resource", () => {
        expect(markdown).toContain("## Offline plan: `dp100-lab` / `dev`");
        expect(markdown).toContain("This is a plan of the program, not Azure's answer");
        expect(markdown).toContain("| Estimated deployment (pulumi up) |");
        const mermaid = markdown.slice(markdown.indexOf("```mermaid\ngraph TD\n"), markdown.indexOf("```", markdown.indexOf("```mermaid") + 3));
        expect(mermaid.length).toBeGreaterThan(0);
        for (const resource of devPlan.resources) {
            expect(mermaid).toContain(`["${resource.name}<br/><small>${resource.type}</small>"]`);
        }
        expect(mermaid).toMatch(/ --> /);
        expect(mermaid).toContain("class ");
    });
});

describe("secrets", () => {
    test("a secure: value is passed as a secret placeholder and every input derived from it shows as [secret]", async () => {
        const run = await plan(["--stack", "secure", "--json", "out/secure.json", "--markdown", "out/secure.md"], dir);
        expect(run.status).toBe(0);
        const json = fs.readFileSync(path.join(dir, "out/secure.json"), "utf8");
        const md = fs.readFileSync(path.join(dir, "out/secure.md"), "utf8");
        const placeholder = secretPlaceholder("dp100-lab:resourceGroupName");
        for (const text of [run.stdout, json, md]) {
            expect(text).not.toContain(placeholder);
            expect(text).not.toContain("c2VjcmV0LXBsYWludGV4dC1pcy1uZXZlci1zZWVu");
            expect(text).not.toContain("rg-dp100-labs");
        }
        const secure = JSON.parse(json) as Plan;
        expect(secure.config["dp100-lab:resourceGroupName"]).toEqual({ secret: true, source: "stack", value: "[secret]" });
        const group = secure.resources.find((resource) => resource.type === "azure-native:resources:ResourceGroup");
        expect(group?.inputs).toEqual({ location: "westeurope", resourceGroupName: "[secret]" });
        const workspace = secure.resources.find((resource) => resource.type === "azure-native:machinelearningservices:Workspace");
        expect(workspace?.inputs.storageAccount).toBe("[secret]");
        expect(run.stdout.split("\n").map(squeeze)).toContain("resourceGroupName [secret]");
    });
});

describe("errors", () => {
    test("an unknown stack names the stack and the stack files found", async () => {
        const run = await plan(["--stack", "prod"], dir);
        expect(run).toEqual({
            status: 1,
            stdout: "",
            stderr: `error: unknown stack "prod": there is no Pulumi.prod.yaml in ${dir} (stack files found: Pulumi.badconfig.yaml, Pulumi.badyaml.yaml, Pulumi.bigvm.yaml, Pulumi.dev.yaml, Pulumi.secure.yaml)\n`,
        });
    });

    test("invalid YAML names the file", async () => {
        const run = await plan(["--stack", "badyaml"], dir);
        expect(run).toEqual({
            status: 1,
            stdout: "",
            stderr: "error: Pulumi.badyaml.yaml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 3, column 1\n",
        });
    });

    test("the program's own config error (RunError) is printed as it is, without a stack trace", async () => {
        const run = await plan(["--stack", "badconfig"], dir);
        expect(run).toEqual({
            status: 1,
            stdout: "",
            stderr: 'error: dp100-lab:computeInstanceVmSize "Huge" must be an Azure VM size name such as Standard_DS11_v2.\n',
        });
    });

    test.each([
        [["--bogus"], "error: Unknown option '--bogus' (see npm run plan -- --help)\n"],
        [["--json"], "error: Option '--json <value>' argument missing (see npm run plan -- --help)\n"],
        [["extra"], "error: Unexpected argument 'extra' (see npm run plan -- --help)\n"],
        [["--stack", "../dev"], 'error: stack name "../dev" is not valid: use letters, digits, \'-\', \'_\' and \'.\'\n'],
    ])("a bad command line (%j) is a one-line error", async (argv, message) => {
        expect(await plan(argv, dir)).toEqual({ status: 1, stdout: "", stderr: message });
    });

    test("--help prints the usage and exits 0", async () => {
        const run = await plan(["--help"], dir);
        expect(run.status).toBe(0);
        expect(run.stdout).toMatch(/^Usage: npm run plan -- \[--stack NAME\] \[--json FILE\] \[--markdown FILE\] \[--diff BASE\.json\]/);
    });
});

describe("policies", () => {
    test("a mandatory finding is printed and written, and the exit status is 2", async () => {
        const strict: PolicyEvaluator = {
            summary: [{ name: "no-compute", enforcementLevel: "mandatory", description: "No compute instances." }],
            run: (resources) => resources
                .filter((resource) => resource.type === "azure-native:machinelearningservices:Compute")
                .map((resource) => ({ policyName: "no-compute", enforcementLevel: "mandatory" as const, urn: resource.urn, type: resource.type, name: resource.name, message: "compute instances are not allowed" })),
        };
        const run = await plan(["--json", "out/strict.json"], dir, { policies: strict, runProgram: async () => devResult as ProgramResult });
        expect(run.status).toBe(2);
        expect(run.stdout).toContain("  mandatory  no-compute  lab-compute-instance (azure-native:machinelearningservices:Compute): compute instances are not allowed");
        expect(run.stdout).toContain("1 mandatory violation(s): pulumi up with the policy pack would be blocked.");
        expect(readJson(path.join(dir, "out/strict.json")).policies).toMatchObject({ mandatory: 1, advisory: 0 });
    });
});
