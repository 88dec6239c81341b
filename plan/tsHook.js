/**
 * Lets Node `require` the project's TypeScript: each .ts file outside node_modules is transpiled with
 * TypeScript's `transpileModule` (no type check: `npm run typecheck` is the one type check) and the
 * result kept in a cache keyed by the source's hash, so a second run compiles nothing. TypeScript is
 * loaded anyway by @pulumi/pulumi, so this costs no extra module; it is ts-node's transpile-only mode
 * without ts-node's start-up. The key is the content, not the path: a moved or checked-out-again file
 * with the same text is not compiled again.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** The options that matter to transpiling, as tsconfig.json sets them. */
const COMPILER_OPTIONS = {
    module: "commonjs",
    target: "es2022",
    esModuleInterop: true,
    resolveJsonModule: true,
    sourceMap: false,
};

function register(cacheDir) {
    let ts;
    let options;
    let cacheReady = false;
    const compile = (source, filename) => {
        ts = ts || require("typescript");
        options = options || ts.convertCompilerOptionsFromJson(COMPILER_OPTIONS).options;
        const key = crypto.createHash("sha256").update(ts.version).update(JSON.stringify(COMPILER_OPTIONS)).update(path.extname(filename)).update(source).digest("hex");
        const cached = path.join(cacheDir, `${key}.js`);
        try {
            return fs.readFileSync(cached, "utf8");
        } catch {
            // Not cached yet.
        }
        const output = ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
        try {
            if (!cacheReady) {
                fs.mkdirSync(cacheDir, { recursive: true });
                cacheReady = true;
            }
            fs.writeFileSync(cached, output);
        } catch {
            // A read-only checkout still works, only slower.
        }
        return output;
    };
    const load = (module, filename) => {
        module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
    require.extensions[".ts"] = (module, filename) => {
        if (filename.split(path.sep).includes("node_modules")) {
            throw new Error(`${filename}: TypeScript in node_modules is not transpiled by the plan`);
        }
        load(module, filename);
    };
}

module.exports = { register };
