/**
 * Pulumi's closure serializer (used by dynamic providers such as the workspace purge) requires every
 * Node.js built-in module to recognise captured ones; under jest, requiring `node:test` starts a test
 * reporter that keeps the worker alive after the tests. Nothing here uses node:test, so stub it.
 */
jest.mock("node:test", () => ({}));
