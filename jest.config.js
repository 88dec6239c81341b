/**
 * Two jest projects:
 * - `unit`: the stack, its components, the plan, policies, workflows, the fake-ARM suite. Fast; what
 *   `npm run test:unit` runs on every change.
 * - `library`: builds, packs and installs the component library, and infers its multi-language schema.
 *   Slow (tens of seconds), so `npm run test:lib` runs it separately; `npm test` runs both.
 *
 * Transpile-only: `npm run typecheck` (tsc --noEmit) is the one type check. With `isolatedModules` in
 * tsconfig.json, ts-jest compiles each file on its own without a type checker, several times faster
 * and lighter (see ../shared/reference/pulumi-notes.md for the measured figures).
 */
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
        { ...shared, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", ...LIBRARY_TESTS] },
        { ...shared, displayName: "library", testMatch: LIBRARY_TESTS },
    ],
    // Each test file has its own Pulumi runtime; two workers fit the 2-core machines.
    maxWorkers: 2,
};
