#!/usr/bin/env node
/**
 * Entry of `npm run plan` (see main.ts for the options). Plain JavaScript so that Node starts it
 * directly: it turns on Node's compile cache (V8 code for @pulumi/pulumi, TypeScript and azure-native
 * is the bulk of the start-up) and a transpile-only loader for the project's .ts files, both cached
 * under node_modules/.cache/dp100-plan, then runs main().
 */
"use strict";
const path = require("path");
const nodeModule = require("module");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "dp100-plan");
if (typeof nodeModule.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
    nodeModule.enableCompileCache(path.join(cacheDir, "v8"));
}
require("./tsHook").register(path.join(cacheDir, "ts"));

require("./main.ts")
    .main(process.argv.slice(2))
    .then(
        (status) => process.exit(status),
        (error) => {
            process.stderr.write(`error: the plan failed unexpectedly: ${error && error.stack ? error.stack : error}\n`);
            process.exit(1);
        },
    );
