/**
 * The plan's pure parts on hand-made records: stack config merging, secret redaction (Pulumi's secret
 * envelope and `secure:` placeholders), engine URNs, diffs, and the renderers' handling of types they
 * have never seen.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RegisteredResource } from "../../plan/engineDouble";
import { diffLines, diffPlans, diffValues, isEmptyDiff } from "../../plan/diff";
import { buildPlan, Plan, PolicyEvaluator } from "../../plan/model";
import { checkPlan, planToJson } from "../../plan/planJson";
import { mermaidLines, renderMarkdown } from "../../plan/renderMarkdown";
import { renderText } from "../../plan/renderText";
import { redact, scrub, SECRET_SIG, SECRET_TEXT, SPECIAL_SIG_KEY } from "../../plan/secrets";
import { programConfig, readStackConfig, secretPlaceholder, StackConfig } from "../../plan/stackConfig";

const NO_POLICIES: PolicyEvaluator = { summary: [], run: () => [] };

function projectDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-model-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const PROJECT_YAML = `name: demo
runtime: nodejs
config:
  size:
    type: string
    default: small
  count:
    type: integer
    default: 3
  region: northeurope
  aws:region:
    value: eu-west-1
  required:
    type: string
`;

describe("stack config", () => {
    test("stack values over project defaults; bare keys in the project namespace; structured values as JSON", () => {
        const dir = projectDir({
            "Pulumi.yaml": PROJECT_YAML,
            "Pulumi.dev.yaml": "config:\n  demo:size: large\n  flag: true\n  tags:\n    team: ml\n  other:key: 7\n",
        });
        const config = readStackConfig(dir, "org/demo/dev");
        expect(config.stack).toBe("dev");
        expect(config.entries).toEqual({
            "aws:region": { value: "eu-west-1", secret: false, source: "project" },
            "demo:count": { value: "3", secret: false, source: "project default" },
            "demo:flag": { value: "true", secret: false, source: "stack" },
            "demo:region": { value: "northeurope", secret: false, source: "project" },
            "demo:size": { value: "large", secret: false, source: "stack" },
            "demo:tags": { value: '{"team":"ml"}', secret: false, source: "stack" },
            "other:key": { value: "7", secret: false, source: "stack" },
        });
    });

    test("secure: values become secret placeholders, typed ones a value of their type; nothing is decrypted", () => {
        const dir = projectDir({
            "Pulumi.yaml": PROJECT_YAML,
            "Pulumi.dev.yaml": "config:\n  demo:size:\n    secure: v1:AAAA\n  demo:count:\n    secure: v1:BBBB\n  demo:nested:\n    a:\n      secure: v1:CCCC\n",
        });
        const { config, secretKeys } = programConfig(readStackConfig(dir, "dev"));
        expect(config["demo:size"]).toBe(secretPlaceholder("demo:size"));
        expect(secretPlaceholder("demo:size")).toMatch(/^secret[0-9a-f]{8}$/);
        expect(config["demo:count"]).toBe("3");
        expect(config["demo:nested"]).toBe(JSON.stringify({ a: secretPlaceholder("demo:nested") }));
        expect(secretKeys).toEqual(["demo:count", "demo:nested", "demo:size"]);
        expect(JSON.stringify(config)).not.toMatch(/AAAA|BBBB|CCCC/);
    });

    test("a stack file that is not a mapping is an error naming the file", () => {
        const dir = projectDir({ "Pulumi.yaml": PROJECT_YAML, "Pulumi.dev.yaml": "- a\n- b\n" });
        expect(() => readStackConfig(dir, "dev")).toThrow("Pulumi.dev.yaml must be a mapping of keys to values");
    });
});

const envelope = (value: unknown) => ({ [SPECIAL_SIG_KEY]: SECRET_SIG, value });

describe("secrets", () => {
    test("Pulumi's secret envelope and strings holding a placeholder become [secret]; keys are sorted", () => {
        const inputs = { z: envelope("hunter2"), a: { b: "x-secretabc-y", c: ["ok", envelope({ deep: 1 })] } };
        expect(redact(inputs, ["secretabc"])).toEqual({ a: { b: SECRET_TEXT, c: ["ok", SECRET_TEXT] }, z: SECRET_TEXT });
        expect(Object.keys(redact(inputs, []) as object)).toEqual(["a", "z"]);
    });

    test("scrub replaces secret strings inside free text", () => {
        expect(scrub("password hunter2 is weak", ["hunter2"])).toBe("password [secret] is weak");
    });
});

const CONFIG: StackConfig = {
    project: "demo",
    stack: "dev",
    projectDir: "/nowhere",
    stackFile: "Pulumi.dev.yaml",
    main: undefined,
    entries: { "demo:size": { value: "small", secret: false, source: "project default" } },
};

/** Registrations shaped as the engine double records them (mock URNs carry only the parent's type). */
function record(password: unknown = envelope("hunter2")): RegisteredResource[] {
    return [
        { urn: "urn:pulumi:dev::demo::acme:index:Box::box", type: "acme:index:Box", name: "box", parent: undefined, custom: false, inputs: {}, dependencies: [], options: {} },
        {
            urn: "urn:pulumi:dev::demo::acme:index:Box$acme:index:Inner::inner", type: "acme:index:Inner", name: "inner",
            parent: "urn:pulumi:dev::demo::acme:index:Box::box", custom: false, inputs: {}, dependencies: [], options: {},
        },
        {
            urn: "urn:pulumi:dev::demo::acme:index:Inner$acme:db:Server::db", type: "acme:db:Server", name: "db",
            parent: "urn:pulumi:dev::demo::acme:index:Box$acme:index:Inner::inner", custom: true,
            inputs: { password, size: "small" }, dependencies: [], options: { protect: true },
        },
        {
            urn: "urn:pulumi:dev::demo::acme:index:Box$acme:web:App::app", type: "acme:web:App", name: "app",
            parent: "urn:pulumi:dev::demo::acme:index:Box::box", custom: true,
            inputs: { db: "db-id", replicas: 2 }, dependencies: ["urn:pulumi:dev::demo::acme:index:Inner$acme:db:Server::db"], options: {},
        },
    ];
}

describe("building a plan", () => {
    const leaky: PolicyEvaluator = {
        summary: [{ name: "no-weak", enforcementLevel: "advisory", description: "d" }],
        run: (resources) => resources.filter((resource) => resource.name === "db").map((resource) => ({
            policyName: "no-weak", enforcementLevel: "advisory" as const, urn: resource.urn, type: resource.type, name: resource.name,
            message: `password ${String((resource.inputs.password as { value: unknown }).value)} is weak`,
        })),
    };
    const plan = buildPlan(CONFIG, { resources: record(), outputs: ["url"] }, leaky);

    test("uses the engine's URNs, with the whole chain of parent types, for resources, parents and dependencies", () => {
        const db = plan.resources.find((resource) => resource.name === "db");
        expect(db?.urn).toBe("urn:pulumi:dev::demo::acme:index:Box$acme:index:Inner$acme:db:Server::db");
        expect(db?.parent).toBe("urn:pulumi:dev::demo::acme:index:Box$acme:index:Inner::inner");
        expect(plan.resources.find((resource) => resource.name === "app")?.dependencies).toEqual([db?.urn]);
    });

    test("never shows a program's secret: not in inputs, policy messages, text, JSON or Markdown", () => {
        expect(plan.resources.find((resource) => resource.name === "db")?.inputs).toEqual({ password: SECRET_TEXT, size: "small" });
        expect(plan.policies.findings[0].message).toBe("password [secret] is weak");
        for (const text of [renderText(plan), planToJson(plan), renderMarkdown(plan)]) {
            expect(text).not.toContain("hunter2");
        }
    });

    test("renders types it has never seen: their scalar inputs, a flagged guessed time, a node in the graph", () => {
        const text = renderText(plan);
        expect(text).toContain("  app  (acme:web:App)\n      db        db-id\n      replicas  2\n");
        expect(text).toContain("  ! acme:db:Server is not in the table: guessed at 1 min (db)");
        expect(text).toContain("      option protect  true");
        expect(plan.estimate.unknownTypes).toEqual(["acme:db:Server", "acme:web:App"]);
        const graph = mermaidLines(plan);
        expect(graph[0]).toBe("graph TD");
        // Ids follow the URN order: db r0, inner r1, app r2, box r3.
        expect(graph).toContain('  subgraph r3["box<br/><small>acme:index:Box</small>"]');
        expect(graph).toContain('    subgraph r1["inner<br/><small>acme:index:Inner</small>"]');
        expect(graph.filter((line) => line.includes(" --> "))).toEqual(["  r0 --> r2"]);
    });

    test("rejects two resources with one URN, as the engine would", () => {
        const resources = record();
        expect(() => buildPlan(CONFIG, { resources: [...resources, resources[3]], outputs: [] }, NO_POLICIES))
            .toThrow("two resources have the URN urn:pulumi:dev::demo::acme:index:Box$acme:web:App::app: the engine would refuse the second (give it another name)");
    });

    test("round-trips through JSON and passes the base-plan checks", () => {
        expect(checkPlan(JSON.parse(planToJson(plan)), "x")).toEqual(JSON.parse(planToJson(plan)));
    });
});

describe("diff", () => {
    const base = buildPlan(CONFIG, { resources: record(), outputs: ["url"] }, NO_POLICIES);

    test("a plan against itself: no changes", () => {
        const diff = diffPlans(base, base);
        expect(isEmptyDiff(diff)).toBe(true);
        expect(diffLines(diff, "base.json")).toEqual(["Changes against the base plan base.json:", "  No changes."]);
    });

    test("added, removed and changed resources, by URN and property path; another stack's plan compares too", () => {
        const prod = (urn: string) => urn.replace("urn:pulumi:dev::", "urn:pulumi:prod::");
        const changed = record()
            .filter((resource) => resource.name !== "db")
            .map((resource) => ({
                ...resource,
                urn: prod(resource.urn),
                parent: resource.parent === undefined ? undefined : prod(resource.parent),
                dependencies: [],
                inputs: resource.name === "app" ? { db: "db-id", replicas: 3, zone: "b" } : resource.inputs,
            }));
        const current = buildPlan({ ...CONFIG, stack: "prod" }, { resources: changed, outputs: [] }, NO_POLICIES);
        const diff = diffPlans(base, current);
        expect(diff.removed.map((resource) => resource.name)).toEqual(["db"]);
        expect(diff.added).toEqual([]);
        expect(diff.changed).toEqual([{
            urn: "urn:pulumi:prod::demo::acme:index:Box$acme:web:App::app", type: "acme:web:App", name: "app",
            replace: false, deleteBeforeReplace: false,
            changes: [
                { path: "dependencies", kind: "changed", before: ["acme:index:Box$acme:index:Inner$acme:db:Server::db"], after: [] },
                { path: "inputs.replicas", kind: "changed", before: 2, after: 3 },
                { path: "inputs.zone", kind: "added", after: "b" },
            ],
        }]);
        expect(diff.outputs).toEqual([{ path: "url", kind: "removed" }]);
    });

    test("compares list items by position and reports whole values where shapes differ", () => {
        expect(diffValues({ a: [1, 2] }, { a: [1, 3] })).toEqual([{ path: "a[1]", kind: "changed", before: 2, after: 3 }]);
        expect(diffValues({ a: [1] }, { a: [1, 2] })).toEqual([{ path: "a", kind: "changed", before: [1], after: [1, 2] }]);
        expect(diffValues({ a: { b: 1 } }, { a: "x" })).toEqual([{ path: "a", kind: "changed", before: { b: 1 }, after: "x" }]);
    });
});

describe("a plan file from elsewhere", () => {
    test("is checked for format and version before use", () => {
        expect(() => checkPlan([], "base plan b.json")).toThrow('base plan b.json is not an offline plan: it has no "format"');
        const plan = buildPlan(CONFIG, { resources: [], outputs: [] }, NO_POLICIES);
        const older: Plan = { ...plan, schemaVersion: 0 };
        expect(() => checkPlan(older, "base plan b.json")).toThrow("base plan b.json has schema version 0; this plan reads schema version 1");
    });
});
