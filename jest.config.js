/**
 * Transpile-only: `npm run typecheck` (tsc --noEmit) is the one type check. With `isolatedModules` in
 * tsconfig.json, ts-jest compiles each file on its own without a type checker, several times faster
 * and lighter (see ../shared/reference/pulumi-notes.md for the measured figures).
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // Each test file has its own Pulumi runtime; two workers fit the 2-core machines.
  maxWorkers: 2,
};
