#!/usr/bin/env node
/**
 * Builds the component library `mllab` (lib/) from the project's components and pipelines.
 *
 * The package directory gets:
 *   src/        components/**.ts, copied as they are (Pulumi infers the multi-language schema from them)
 *   dist/       JavaScript, declarations and source maps, compiled from src/ by lib/tsconfig.json
 *   pipelines/  the pipeline folders (graph, component YAML, step code, data and its NOTICE), which
 *               TrainingPipeline finds next to dist/ (`<dist>/../pipelines/automobile-price`), as it finds
 *               `<components>/../pipelines` in this repository
 * plus lib/'s package.json, PulumiPlugin.yaml, tsconfig.json and README.md. The Pulumi program (index.ts,
 * config.ts) is not part of it.
 *
 * Usage: node scripts/build-lib.js [--out DIR] [--link-deps] [--no-compile] [--pack DEST] [--json]
 *   --out DIR     build into DIR instead of lib/ (the tests build into a temporary directory)
 *   --link-deps   make DIR/node_modules a link to this repository's node_modules (for a DIR outside it)
 *   --no-compile  copy only (schema inference reads src/ and needs no dist/)
 *   --pack DEST   then `npm pack` the package into DEST (lifecycle scripts off: it was just built)
 *   --json        print a JSON summary (out, tarball, files) instead of words
 */
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const ROOT = path.resolve(__dirname, "..");
const LIB = path.join(ROOT, "lib");
/** lib/'s own files, copied when building elsewhere. */
const TEMPLATE_FILES = ["package.json", "PulumiPlugin.yaml", "tsconfig.json", "README.md"];
/** What a build makes, and so what it removes first; nothing else in the directory is touched. */
const BUILT_ENTRIES = ["src", "dist", "pipelines"];
/**
 * Never shipped from a pipeline folder: the same names the pipeline uploads leave out
 * (components/pipeline/contentHash.ts: hidden names, caches, the steps' tests, compiled Python).
 */
const SKIPPED_FOLDERS = new Set(["__pycache__", "tests", ".pytest_cache", ".ipynb_checkpoints"]);
const SKIPPED_SUFFIXES = [".pyc", ".pyo"];

function isSkippedPipelineEntry(name, isFolder) {
    if (name.startsWith(".")) {
        return true;
    }
    return isFolder ? SKIPPED_FOLDERS.has(name) : SKIPPED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** Copies the files under `from` that `keep(name, isFolder)` accepts, keeping relative paths. */
function copyTree(from, to, keep) {
    let count = 0;
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const source = path.join(from, entry.name);
        const isFolder = fs.statSync(source).isDirectory();
        if (!keep(entry.name, isFolder)) {
            continue;
        }
        const target = path.join(to, entry.name);
        if (isFolder) {
            count += copyTree(source, target, keep);
        } else {
            fs.mkdirSync(to, { recursive: true });
            fs.copyFileSync(source, target);
            count += 1;
        }
    }
    return count;
}

/** Copies lib/'s files, the components' sources and the pipelines into `out`. */
function stageLibrary(out) {
    fs.mkdirSync(out, { recursive: true });
    for (const entry of BUILT_ENTRIES) {
        fs.rmSync(path.join(out, entry), { recursive: true, force: true });
    }
    if (path.resolve(out) !== LIB) {
        for (const file of TEMPLATE_FILES) {
            fs.copyFileSync(path.join(LIB, file), path.join(out, file));
        }
    }
    const sources = copyTree(path.join(ROOT, "components"), path.join(out, "src"), (name, isFolder) =>
        isFolder || (name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.endsWith(".test.ts")));
    const pipelineFiles = copyTree(path.join(ROOT, "pipelines"), path.join(out, "pipelines"),
        (name, isFolder) => !isSkippedPipelineEntry(name, isFolder));
    return { sources, pipelineFiles };
}

/** Links `out/node_modules` to this repository's, so that a build outside the repository finds its dependencies. */
function linkDependencies(out) {
    const link = path.join(out, "node_modules");
    if (!fs.existsSync(link)) {
        fs.symlinkSync(path.join(ROOT, "node_modules"), link, "dir");
    }
}

/** Compiles `out/src` to `out/dist` with `out/tsconfig.json`; throws with tsc's messages on an error. */
function compileLibrary(out) {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [out, ROOT] });
    try {
        execFileSync(process.execPath, [tsc, "-p", path.join(out, "tsconfig.json")], { cwd: out, encoding: "utf8", stdio: "pipe" });
    } catch (error) {
        throw new Error(`tsc failed for the library in ${out}:\n${error.stdout || ""}${error.stderr || ""}`);
    }
}

/** `npm pack`s `out` into `dest`; returns the tarball's path and the files in it. */
function packLibrary(out, dest) {
    fs.mkdirSync(dest, { recursive: true });
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const stdout = execFileSync(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", path.resolve(dest)], {
        cwd: out,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    const [summary] = JSON.parse(stdout);
    return {
        tarball: path.resolve(dest, summary.filename),
        files: summary.files.map((file) => file.path).sort(),
    };
}

function main(argv) {
    const { values } = parseArgs({
        args: argv,
        options: {
            out: { type: "string" },
            "link-deps": { type: "boolean", default: false },
            "no-compile": { type: "boolean", default: false },
            pack: { type: "string" },
            json: { type: "boolean", default: false },
        },
    });
    const out = path.resolve(values.out ?? LIB);
    const started = Date.now();
    const staged = stageLibrary(out);
    if (values["link-deps"]) {
        linkDependencies(out);
    }
    if (!values["no-compile"]) {
        compileLibrary(out);
    }
    const packed = values.pack === undefined ? undefined : packLibrary(out, values.pack);
    const summary = { out, ...staged, ...(packed ?? {}), seconds: (Date.now() - started) / 1000 };
    if (values.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
        // On stderr: npm runs this as lib/'s `prepare`, and `npm pack --json` owns stdout then.
        process.stderr.write(`mllab: ${staged.sources} sources, ${staged.pipelineFiles} pipeline files` +
            `${values["no-compile"] ? "" : ", compiled"} in ${path.relative(process.cwd(), out) || "."}` +
            `${packed ? `; packed ${path.relative(process.cwd(), packed.tarball)} (${packed.files.length} files)` : ""}` +
            ` in ${summary.seconds.toFixed(1)} s\n`);
    }
    return summary;
}

module.exports = { ROOT, LIB, stageLibrary, linkDependencies, compileLibrary, packLibrary, isSkippedPipelineEntry, main };

if (require.main === module) {
    try {
        main(process.argv.slice(2));
    } catch (error) {
        console.error(error.message);
        process.exit(1);
    }
}
