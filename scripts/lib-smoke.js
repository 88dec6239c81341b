#!/usr/bin/env node
/**
 * A mocked Pulumi program against the installed `mllab` package, as a consumer project would use it.
 *
 * Run it from the consumer project's directory: `mllab` and `@pulumi/pulumi` are required from there
 * (never from this repository), so what runs is the packed library as npm installed it. Pulumi's mocks
 * stand in for the engine; nothing reaches Azure.
 *
 * Usage: node scripts/lib-smoke.js PLAN.json   (run with cwd = the consumer project)
 *   PLAN.json: { "package": "mllab", "project": "...", "stack": "...",
 *                "build": [{ "className": "Dp100Lab", "name": "lab", "args": { ... } }, ...] }
 * Prints one JSON report on stdout: what the package exports, which classes Pulumi would offer to other
 * languages and with which token, what each construction registered (type, name, parent), the files
 * the registered assets point at, and whether the module names a dynamic provider's serialized code
 * requires can be resolved from the consumer project.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

/** The answers to the invokes the components make; anything else fails loudly. */
const INVOKES = {
    "azure-native:authorization:getClientConfig": () => ({
        clientId: "00000000-0000-0000-0000-0000000000c1",
        objectId: "00000000-0000-0000-0000-00000000000b",
        subscriptionId: "00000000-0000-0000-0000-000000000000",
        tenantId: "00000000-0000-0000-0000-00000000000a",
    }),
};
/** The signature Pulumi puts on a serialized asset (sdk/nodejs/runtime/rpc.ts, specialAssetSig). */
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

function collectAssetPaths(value, found) {
    if (Array.isArray(value)) {
        value.forEach((item) => collectAssetPaths(item, found));
    } else if (value && typeof value === "object") {
        if (value[SIG_KEY] === ASSET_SIG && typeof value.path === "string") {
            found.push(value.path);
        }
        Object.values(value).forEach((item) => collectAssetPaths(item, found));
    }
    return found;
}

/** Settles an Output's value, or `"<unresolved>"` after a while (an unknown never resolves in a preview). */
function settle(output) {
    return Promise.race([
        new Promise((resolve) => output.apply((value) => resolve(value))),
        new Promise((resolve) => setTimeout(() => resolve("<unresolved>"), 5000).unref()),
    ]);
}

async function main() {
    const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const consumerRequire = createRequire(path.join(process.cwd(), "package.json"));
    const pulumi = consumerRequire("@pulumi/pulumi");

    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: (args) => {
            const answer = INVOKES[args.token];
            if (!answer) {
                throw new Error(`unexpected invoke ${args.token}`);
            }
            return answer(args.inputs);
        },
    }, plan.project, plan.stack, false);

    const resources = [];
    const monitor = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        register(req, (err, res) => {
            if (!err && res) {
                const raw = req.getObject() ? req.getObject().toJavaScript() : {};
                resources.push({
                    urn: res.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    assetPaths: collectAssetPaths(raw, []),
                    provider: typeof raw.__provider === "string" ? raw.__provider : undefined,
                });
            }
            callback(err, res);
        });
    };

    const library = consumerRequire(plan.package);
    const { getPulumiComponents } = consumerRequire("@pulumi/pulumi/provider/experimental");
    const components = getPulumiComponents(library);
    const sourceTokens = Object.fromEntries(components.map((cls) => {
        const match = /super\(\s*"([^"]+)"/.exec(cls.toString());
        return [cls.name, match ? match[1] : undefined];
    }));

    const instances = [];
    for (const { className, name, args } of plan.build) {
        const instance = new library[className](name, args);
        instances.push({ className, name, instance });
    }
    const built = [];
    for (const { className, name, instance } of instances) {
        const outputs = {};
        for (const [key, value] of Object.entries(instance)) {
            if (pulumi.Output.isInstance(value)) {
                outputs[key] = await settle(value);
            }
        }
        built.push({ className, name, token: instance.__pulumiType, outputs });
    }
    await pulumi.runtime.disconnect();

    const dynamicProviders = resources.filter((resource) => resource.provider !== undefined).map((resource) => {
        const specifiers = [...new Set([...resource.provider.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))];
        const resolved = Object.fromEntries(specifiers.map((specifier) => {
            try {
                return [specifier, consumerRequire.resolve(specifier)];
            } catch (error) {
                return [specifier, `<unresolved: ${error.code || error.message}>`];
            }
        }));
        return { urn: resource.urn, resolved };
    });

    const report = {
        packageMain: consumerRequire.resolve(plan.package),
        exports: Object.keys(library).sort(),
        components: components.map((cls) => cls.name).sort(),
        sourceTokens,
        built,
        resources: resources.map(({ provider, ...rest }) => ({ ...rest, hasProvider: provider !== undefined })),
        dynamicProviders,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(() => process.exit(0), (error) => {
    console.error(error && error.stack ? error.stack : error);
    process.exit(1);
});
