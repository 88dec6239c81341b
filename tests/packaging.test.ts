/**
 * The component library as a consumer gets it: built by scripts/build-lib.js into a temporary
 * directory, packed with `npm pack`, installed from the tarball into a fresh project, required there by
 * name and run under Pulumi's mocks (scripts/lib-smoke.js, in a child process, so that module
 * resolution is Node's own and not jest's).
 *
 * How it installs, offline and without npm's cache: `npm ci --offline` from a generated lockfile whose
 * one entry is the tarball (a `file:` tarball needs neither the registry nor the cache). The package's
 * own dependencies and peers come from this repository's node_modules through NODE_PATH, i.e. the
 * versions package-lock.json pins, so the test needs nothing `npm ci` did not install; the test checks
 * statically that the package declares every module its JavaScript requires, with ranges those
 * installed versions satisfy.
 *
 * Slow (a tsc build of the components, about 10 s of CPU): not part of `npm run test:unit`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { builtinModules, createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { listFiles } from "../components/pipeline/contentHash";

const ROOT = path.resolve(__dirname, "..");
const PACKAGE_NAME = "mllab";
/** Every ComponentResource class the package exports, i.e. what `pulumi package add` offers. */
const COMPONENTS = ["Classroom", "ComputeCluster", "ComputeInstance", "Dp100Lab", "MlWorkspace", "TrainingPipeline"];
/** What the package's root holds besides dist/, src/ and pipelines/. */
const TOP_FILES = ["PulumiPlugin.yaml", "README.md", "package.json", "tsconfig.json"];

interface BuildSummary {
    readonly out: string;
    readonly tarball: string;
    readonly files: string[];
    readonly seconds: number;
}

interface SmokeResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent?: string;
    readonly custom: boolean;
    readonly assetPaths: string[];
    readonly hasProvider: boolean;
}

interface SmokeReport {
    readonly packageMain: string;
    readonly exports: string[];
    readonly components: string[];
    readonly sourceTokens: Record<string, string | undefined>;
    readonly built: { className: string; name: string; token: string; outputs: Record<string, unknown> }[];
    readonly resources: SmokeResource[];
    readonly dynamicProviders: { urn: string; resolved: Record<string, string> }[];
}

let work: string;
let build: BuildSummary;
let consumer: string;
let installed: string;
let smoke: SmokeReport;
const seconds: Record<string, number> = {};

function timed<T>(label: string, action: () => T): T {
    const started = Date.now();
    try {
        return action();
    } finally {
        seconds[label] = (Date.now() - started) / 1000;
    }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
    try {
        return execFileSync(command, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (error) {
        const failure = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${failure.stderr ?? ""}${failure.stdout ?? ""}${failure.message}`);
    }
}

/** A consumer project whose lockfile names only the tarball: `npm ci --offline` installs it as packed. */
function writeConsumerProject(dir: string, tarball: string): void {
    const spec = `file:${path.relative(dir, tarball)}`;
    const integrity = `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
    const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "lib", "package.json"), "utf8")) as { version: string }).version;
    const manifest = { name: "mllab-consumer", version: "0.0.0", private: true, dependencies: { [PACKAGE_NAME]: spec } };
    const lock = {
        name: manifest.name,
        version: manifest.version,
        lockfileVersion: 3,
        requires: true,
        packages: {
            "": { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
            [`node_modules/${PACKAGE_NAME}`]: { version, resolved: spec, integrity },
        },
    };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.writeFileSync(path.join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
}

beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "mllab-packaging-"));
    build = timed("build and pack", () => JSON.parse(run(process.execPath, [
        path.join(ROOT, "scripts", "build-lib.js"), "--out", path.join(work, "package"), "--link-deps", "--pack", work, "--json",
    ], ROOT)) as BuildSummary);

    consumer = path.join(work, "consumer");
    writeConsumerProject(consumer, build.tarball);
    timed("install", () => run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--legacy-peer-deps", "--no-update-notifier"], consumer));
    installed = path.join(consumer, "node_modules", PACKAGE_NAME);

    const plan = {
        package: PACKAGE_NAME,
        project: "mllab-consumer",
        stack: "test",
        build: [{ className: "Dp100Lab", name: "lab", args: { location: "westeurope" } }],
    };
    fs.writeFileSync(path.join(consumer, "plan.json"), JSON.stringify(plan));
    const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
    smoke = timed("mocked program", () => JSON.parse(run(process.execPath, [path.join(ROOT, "scripts", "lib-smoke.js"), "plan.json"], consumer, env)) as SmokeReport);
}, 180_000);

afterAll(() => {
    if (work) {
        fs.rmSync(work, { recursive: true, force: true });
    }
    console.log(`packaging: ${Object.entries(seconds).map(([label, value]) => `${label} ${value.toFixed(1)} s`).join(", ")}`);
});

describe("the packed tarball", () => {
    it("holds the compiled library, its sources, the pipelines and the plugin manifest, and nothing else", () => {
        const outside = build.files.filter((file) => !TOP_FILES.includes(file) && !/^(dist|src|pipelines)\//.test(file));
        expect(outside).toEqual([]);
        expect(build.files).toEqual(expect.arrayContaining([...TOP_FILES, "dist/index.js", "dist/index.d.ts", "src/index.ts"]));
    });

    it("compiles every source file to JavaScript with declarations", () => {
        const sources = build.files.filter((file) => file.startsWith("src/")).map((file) => file.slice("src/".length, -".ts".length));
        expect(sources.length).toBeGreaterThan(0);
        const missing = sources.flatMap((stem) => [`dist/${stem}.js`, `dist/${stem}.d.ts`]).filter((file) => !build.files.includes(file));
        expect(missing).toEqual([]);
        const orphans = build.files.filter((file) => file.startsWith("dist/") && file.endsWith(".js"))
            .filter((file) => !sources.includes(file.slice("dist/".length, -".js".length)));
        expect(orphans).toEqual([]);
    });

    it("ships exactly the components' sources: no tests, no Pulumi program, no config", () => {
        const expected = listTs(path.join(ROOT, "components")).map((file) => `src/${file}`);
        expect(build.files.filter((file) => file.startsWith("src/"))).toEqual(expected);
        expect(build.files.filter((file) => /(^|\/)(tests?|__pycache__)\/|\.test\.|(^|\/)Pulumi\.[^/]*\.?yaml$|(^|\/)config\.ts$/.test(file))).toEqual([]);
    });

    it("ships each pipeline folder with exactly the files its upload takes (no tests or caches)", () => {
        const pipelinesRoot = path.join(ROOT, "pipelines");
        const expected = fs.readdirSync(pipelinesRoot, { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
            .flatMap((entry) => listFiles(path.join(pipelinesRoot, entry.name)).map((file) => `pipelines/${entry.name}/${file.relativePath}`))
            .sort();
        expect(build.files.filter((file) => file.startsWith("pipelines/"))).toEqual(expected);
        expect(expected).toEqual(expect.arrayContaining([
            "pipelines/automobile-price/graph.yaml",
            "pipelines/automobile-price/data/automobile-price-raw.csv",
            "pipelines/automobile-price/data/NOTICE.md",
        ]));
    });
});

describe("the package manifest", () => {
    const manifest = (): Record<string, unknown> & {
        dependencies: Record<string, string>;
        peerDependencies: Record<string, string>;
    } => JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));

    it("points main and types at the compiled entry and leaves subpaths open (no exports map)", () => {
        const pkg = manifest();
        expect(pkg.name).toBe(PACKAGE_NAME);
        expect(pkg.main).toBe("dist/index.js");
        expect(pkg.types).toBe("dist/index.d.ts");
        // A serialized dynamic provider (WorkspacePurge) requires `mllab/dist/...` subpaths at destroy
        // time; an exports map without them would make Pulumi's closure serializer fail.
        expect(pkg.exports).toBeUndefined();
        expect(pkg.private).toBeUndefined();
    });

    it("declares every module the compiled JavaScript requires, with ranges the locked versions satisfy", () => {
        const pkg = manifest();
        const declared = { ...pkg.dependencies, ...pkg.peerDependencies };
        const required = new Set<string>();
        for (const file of listFilesUnder(path.join(installed, "dist")).filter((name) => name.endsWith(".js"))) {
            const text = fs.readFileSync(path.join(installed, "dist", file), "utf8");
            for (const match of text.matchAll(/require\("([^"]+)"\)/g)) {
                const specifier = match[1];
                if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) {
                    continue;
                }
                required.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);
            }
        }
        expect([...required].sort()).toEqual(Object.keys(declared).sort());
        const semver = createRequire(require.resolve("@pulumi/pulumi/package.json"))("semver") as {
            satisfies(version: string, range: string): boolean;
        };
        const unsatisfied = Object.entries(declared).filter(([name, range]) => {
            const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
            return !semver.satisfies(version, range);
        });
        expect(unsatisfied).toEqual([]);
    });

    it("has Pulumi itself and the provider SDKs as peers, so a consumer's program shares one copy", () => {
        expect(Object.keys(manifest().peerDependencies).sort()).toEqual(["@pulumi/azure-native", "@pulumi/pulumi", "@pulumi/random"]);
    });
});

describe("the installed package, required by name from a fresh project", () => {
    it("resolves to the compiled entry inside the consumer's node_modules", () => {
        expect(fs.realpathSync(smoke.packageMain)).toBe(fs.realpathSync(path.join(installed, "dist", "index.js")));
    });

    it("exports exactly the components Pulumi offers to other languages", () => {
        expect(smoke.components).toEqual(COMPONENTS);
        expect(smoke.exports).toEqual(expect.arrayContaining([...COMPONENTS, "LAB_DEFAULTS", "ML_WORKSPACE_DEFAULTS"]));
    });

    it("gives every exported component the type token mllab:index:<ClassName>", () => {
        expect(smoke.sourceTokens).toEqual(Object.fromEntries(COMPONENTS.map((name) => [name, `mllab:index:${name}`])));
        for (const built of smoke.built) {
            expect(built.token).toBe(`mllab:index:${built.className}`);
        }
    });
});

describe("a mocked Dp100Lab from the installed package", () => {
    const byType = (type: string): SmokeResource[] => smoke.resources.filter((resource) => resource.type === type);
    const one = (type: string): SmokeResource => {
        const found = byType(type);
        if (found.length !== 1) {
            throw new Error(`expected one ${type}, found ${found.length}: ${smoke.resources.map((resource) => resource.type).join(", ")}`);
        }
        return found[0];
    };

    it("registers the lab's components under mllab:index: tokens, nested under the lab", () => {
        const lab = one("mllab:index:Dp100Lab");
        expect(lab.parent).toBeUndefined();
        for (const type of ["mllab:index:MlWorkspace", "mllab:index:ComputeInstance", "mllab:index:TrainingPipeline"]) {
            expect({ type, parent: one(type).parent }).toEqual({ type, parent: lab.urn });
        }
        const components = smoke.resources.filter((resource) => !resource.custom).map((resource) => resource.type);
        expect(components.every((type) => type.startsWith("mllab:index:"))).toBe(true);
    });

    it("registers the Azure resources of the lab, each under its component", () => {
        const workspace = one("mllab:index:MlWorkspace");
        for (const type of [
            "azure-native:storage:StorageAccount",
            "azure-native:keyvault:Vault",
            "azure-native:operationalinsights:Workspace",
            "azure-native:applicationinsights:Component",
            "azure-native:machinelearningservices:Workspace",
            "pulumi-nodejs:dynamic/mllab:WorkspacePurge",
        ]) {
            expect({ type, parent: one(type).parent }).toEqual({ type, parent: workspace.urn });
        }
        expect(one("azure-native:machinelearningservices:Compute").parent).toBe(one("mllab:index:ComputeInstance").urn);
        expect(one("azure-native:resources:ResourceGroup").parent).toBe(one("mllab:index:Dp100Lab").urn);
    });

    it("uploads the pipeline files shipped in the package, found relative to its compiled code", () => {
        const assets = smoke.resources.flatMap((resource) => resource.assetPaths);
        expect(assets.length).toBeGreaterThan(0);
        const pipelineDir = fs.realpathSync(path.join(installed, "pipelines", "automobile-price"));
        const outside = assets.filter((asset) => !fs.realpathSync(asset).startsWith(`${pipelineDir}${path.sep}`));
        expect(outside).toEqual([]);
        expect(assets.map((asset) => path.basename(asset))).toContain("automobile-price-raw.csv");
    });

    it("serializes the purge provider with module references the consumer project can resolve", () => {
        expect(smoke.dynamicProviders).toHaveLength(1);
        const [purge] = smoke.dynamicProviders;
        expect(purge.urn).toContain("pulumi-nodejs:dynamic/mllab:WorkspacePurge");
        const unresolved = Object.entries(purge.resolved).filter(([, resolved]) => resolved.startsWith("<unresolved"));
        expect(unresolved).toEqual([]);
        // The package's own modules are loaded from the installed package, never from this repository.
        const own = Object.entries(purge.resolved).filter(([specifier]) => specifier.startsWith(`${PACKAGE_NAME}/`));
        expect(own.length).toBeGreaterThan(0);
        for (const [, resolved] of own) {
            expect(fs.realpathSync(resolved).startsWith(fs.realpathSync(installed))).toBe(true);
        }
    });
});

/** The .ts files under `dir` (relative, `/`-separated, sorted), without tests or declarations. */
function listTs(dir: string): string[] {
    return listFilesUnder(dir).filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".test.ts"));
}

function listFilesUnder(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
        return entry.isDirectory() ? listFilesUnder(path.join(dir, entry.name), relative) : [relative];
    }).sort();
}
