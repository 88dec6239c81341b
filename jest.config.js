/**
 * Three jest projects:
 * - `stack`: the program itself: every lab setting on the registered resources, config validation
 *   (the program run on every bad input), derived names. What `npm run test:unit` runs on every change.
 * - `suites`: each component used directly (its own suite and argument checks), the scenario stacks,
 *   the purge and its fake ARM, the training pipeline, the offline plan, the policy pack, the workflows.
 * - `library`: builds, packs and installs the component library, and infers its multi-language schema
 *   (tens of seconds).
 * `npm test` runs all three.
 *
 * Transpile-only: `npm run typecheck` is the one type check. With `isolatedModules` in tsconfig.json,
 * ts-jest compiles each file on its own without a type checker, several times faster and lighter
 * (see ../shared/reference/pulumi-notes.md for the measured figures).
 */
const STACK_TESTS = ["lab", "config", "naming"].map((name) => `<rootDir>/tests/${name}.test.ts`);
const LIBRARY_TESTS = ["<rootDir>/tests/packaging.test.ts", "<rootDir>/tests/schema.test.ts"];

const shared = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    setupFiles: ["<rootDir>/tests/helpers/stubNodeTest.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
    projects: [
        { ...shared, displayName: "stack", testMatch: STACK_TESTS },
        {
            ...shared,
            displayName: "suites",
            testMatch: ["**/*.test.ts"],
            testPathIgnorePatterns: ["/node_modules/", ...STACK_TESTS, ...LIBRARY_TESTS],
        },
        { ...shared, displayName: "library", testMatch: LIBRARY_TESTS },
    ],
    // Each test file has its own Pulumi runtime; two workers fit the 2-core machines.
    maxWorkers: 2,
    // A worker that ran several files' Pulumi runtimes did not always exit when asked ("failed to exit
    // gracefully"); recycling any worker above this size after a file avoids it, and bounds memory.
    workerIdleMemoryLimit: "450MB",
};
