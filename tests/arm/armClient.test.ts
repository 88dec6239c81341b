/**
 * The purge client against a fake ARM over real HTTPS: every fault the client claims to survive,
 * with the exact request sequence (no more requests than necessary) and the full error texts.
 */
import type { GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  deleteAndWait,
  isArmOperationError,
  ML_WORKSPACE_API_VERSION,
  purgeWorkspace,
  type ArmClientOptions,
  type ArmOperationError,
} from "../../components/arm/armClient";
import { accepted, armError, drop, FakeArm, operation } from "./fakeArm";

// node:test is stubbed for every test file (tests/helpers/stubNodeTest.ts): Pulumi's closure
// serializer, used in the last test, would otherwise leave a test reporter open.

const SUB = "00000000-1111-2222-3333-444444444444";
const RG = "rg-dp100-lab";
const WS = "mlw-dp100-lab";
const TARGET = { subscriptionId: SUB, resourceGroupName: RG, workspaceName: WS };
const WS_PATH = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
const OP_PATH = "/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/op-1";
const LOC_PATH = "/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationResults/op-1";
const PURGE = `Purge of workspace "${WS}" in resource group "${RG}"`;
const TOKEN = "fake-arm-token";

const DELETE = `DELETE ${WS_PATH}`;
const POLL_OP = `GET ${OP_PATH}`;
const POLL_LOC = `GET ${LOC_PATH}`;

let fake: FakeArm;

beforeAll(async () => {
  fake = await FakeArm.start();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

/** A token source that counts its calls, standing in for DefaultAzureCredential. */
function staticCredential(): { credential: TokenCredential; calls: (GetTokenOptions | undefined)[] } {
  const calls: (GetTokenOptions | undefined)[] = [];
  const credential: TokenCredential = {
    getToken: async (_scopes, options) => {
      calls.push(options);
      return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return { credential, calls };
}

/** Short timings so the whole file runs in a few seconds; retries bounded at 3 (4 attempts). */
function options(extra: ArmClientOptions = {}): ArmClientOptions {
  return {
    endpoint: fake.endpoint,
    ca: fake.ca,
    credential: staticCredential().credential,
    pollIntervalMs: 5,
    maxRetries: 3,
    retryDelayMs: 1,
    maxRetryDelayMs: 4,
    timeoutMs: 5_000,
    ...extra,
  };
}

/** The async-operation URL as ARM gives it: absolute, with its own api-version. */
function opUrl(): string {
  return fake.url(`${OP_PATH}?api-version=${ML_WORKSPACE_API_VERSION}`);
}

function locUrl(): string {
  return fake.url(`${LOC_PATH}?api-version=${ML_WORKSPACE_API_VERSION}`);
}

/** Every request carried the injected token, and every DELETE asked for a purge. */
function expectSignedPurgeRequests(): void {
  for (const request of fake.requests) {
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    if (request.method === "DELETE") {
      expect(request.query).toEqual({ "api-version": "2025-12-01", forceToPurge: "true" });
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<ArmOperationError> {
  try {
    await promise;
  } catch (error) {
    expect(isArmOperationError(error)).toBe(true);
    return error as ArmOperationError;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

describe("purgeWorkspace: the async operation protocol", () => {
  it("purges through Azure-AsyncOperation (202, InProgress, Succeeded) and never polls Location", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl(), location: locUrl(), retryAfterSeconds: 0 }))
      .on("GET", OP_PATH, operation("InProgress", { retryAfterSeconds: 0 }), operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP]);
    expect(result).toEqual({ outcome: "purged", requests: 3, elapsedMs: expect.any(Number) });
    expectSignedPurgeRequests();
    expect(fake.requests[1].query).toEqual({ "api-version": ML_WORKSPACE_API_VERSION });
  });

  it.each([200, 204])("is done at once when the DELETE answers %i", async (status) => {
    fake.on("DELETE", WS_PATH, { status });

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE]);
    expect(result).toEqual({ outcome: "purged", requests: 1, elapsedMs: expect.any(Number) });
    expectSignedPurgeRequests();
  });

  it("waits through a slow operation (five InProgress with Retry-After: 0)", async () => {
    const inProgress = operation("InProgress", { retryAfterSeconds: 0 });
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl(), retryAfterSeconds: 0 }))
      .on("GET", OP_PATH, inProgress, inProgress, inProgress, inProgress, inProgress, operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP, POLL_OP, POLL_OP, POLL_OP, POLL_OP]);
    expect(result.requests).toBe(7);
    expect(result.outcome).toBe("purged");
    expectSignedPurgeRequests();
  });

  it("waits what Retry-After asks before the next poll, even when pollIntervalMs is shorter", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl(), retryAfterSeconds: 0 }))
      .on("GET", OP_PATH, operation("InProgress", { retryAfterSeconds: 1 }), operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options({ pollIntervalMs: 5 }));

    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP]);
    expect(result.requests).toBe(3);
    expect(fake.requests[2].atMs - fake.requests[1].atMs).toBeGreaterThanOrEqual(995);
  });

  it("polls Location when there is no Azure-AsyncOperation (202 still going, 200 done), waiting pollIntervalMs", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ location: locUrl() }))
      .on("GET", LOC_PATH, { status: 202 }, { status: 202 }, { status: 200 });

    const result = await purgeWorkspace(TARGET, options({ pollIntervalMs: 60 }));

    expect(fake.sequence()).toEqual([DELETE, POLL_LOC, POLL_LOC, POLL_LOC]);
    expect(result).toEqual({ outcome: "purged", requests: 4, elapsedMs: expect.any(Number) });
    for (let i = 1; i < fake.requests.length; i++) {
      expect(fake.requests[i].atMs - fake.requests[i - 1].atMs).toBeGreaterThanOrEqual(55);
    }
    expectSignedPurgeRequests();
  });

  it("treats a 404 on the Location poll as done: the workspace is gone", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ location: locUrl() }))
      .on("GET", LOC_PATH, { status: 202 }, armError(404, "ResourceNotFound", "Not found."));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, POLL_LOC, POLL_LOC]);
    expect(result).toEqual({ outcome: "purged", requests: 3, elapsedMs: expect.any(Number) });
  });

  it("reports alreadyGone when the DELETE answers 404 (never existed or already purged)", async () => {
    fake.on(
      "DELETE",
      WS_PATH,
      armError(404, "ResourceNotFound", `The Resource 'Microsoft.MachineLearningServices/workspaces/${WS}' under resource group '${RG}' was not found.`),
    );

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE]);
    expect(result).toEqual({ outcome: "alreadyGone", requests: 1, elapsedMs: expect.any(Number) });
    expectSignedPurgeRequests();
  });
});

describe("purgeWorkspace: transient faults are retried within bounds", () => {
  it("retries a throttled DELETE (429) after the Retry-After Azure gives", async () => {
    fake
      .on("DELETE", WS_PATH, armError(429, "TooManyRequests", "Rate limit exceeded.", { "Retry-After": "1" }), accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options({ retryDelayMs: 1, maxRetryDelayMs: 1 }));

    expect(fake.sequence()).toEqual([DELETE, DELETE, POLL_OP]);
    expect(result).toEqual({ outcome: "purged", requests: 3, elapsedMs: expect.any(Number) });
    expect(fake.requests[1].atMs - fake.requests[0].atMs).toBeGreaterThanOrEqual(995);
    expectSignedPurgeRequests();
  });

  it("retries a throttled poll (429 with Retry-After: 0)", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, armError(429, "TooManyRequests", "Rate limit exceeded.", { "Retry-After": "0" }), operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP]);
    expect(result.requests).toBe(3);
  });

  it("retries 500s on the DELETE with backoff, then follows the operation", async () => {
    const serverError = armError(500, "InternalServerError", "Something went wrong.");
    fake
      .on("DELETE", WS_PATH, serverError, serverError, accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, DELETE, DELETE, POLL_OP]);
    expect(result).toEqual({ outcome: "purged", requests: 4, elapsedMs: expect.any(Number) });
    expectSignedPurgeRequests();
  });

  it("survives a connection dropped mid-poll (ECONNRESET)", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, operation("InProgress"), drop, operation("Succeeded"));

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP, POLL_OP]);
    expect(result).toEqual({ outcome: "purged", requests: 4, elapsedMs: expect.any(Number) });
    expectSignedPurgeRequests();
  });

  it("survives a connection dropped on the DELETE", async () => {
    fake.on("DELETE", WS_PATH, drop, { status: 200 });

    const result = await purgeWorkspace(TARGET, options());

    expect(fake.sequence()).toEqual([DELETE, DELETE]);
    expect(result.requests).toBe(2);
  });
});

describe("purgeWorkspace: failures end with one clear error", () => {
  it("gives up on a purge that never finishes after timeoutMs, and sends nothing afterwards", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, operation("InProgress"));

    // 800 ms leaves room for the first TLS handshake on a loaded 2-core machine.
    const error = await failure(purgeWorkspace(TARGET, options({ timeoutMs: 800, pollIntervalMs: 40 })));

    expect(error.message).toBe(
      `${PURGE} did not finish within 800 ms (timeoutMs); the last status was InProgress. ` +
        "It may still complete in Azure; running it again later is safe (a resource already gone counts as done).",
    );
    expect(error.kind).toBe("timeout");
    expect(error.elapsedMs).toBeGreaterThanOrEqual(800);
    expect(error.elapsedMs).toBeLessThan(3_000);
    // A poll on the wire when the deadline hit is counted by the client but may reach the server
    // a little later, or never (aborted before its bytes left): let it settle, then expect silence.
    await until(() => fake.requests.length >= error.requests, 1_000);
    const sent = fake.requests.length;
    expect(sent).toBeGreaterThanOrEqual(error.requests - 1);
    expect(sent).toBeLessThanOrEqual(error.requests);
    // The DELETE, then at most one poll per pollIntervalMs.
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(error.requests).toBeLessThanOrEqual(1 + 800 / 40 + 1);
    expect(new Set(fake.sequence().slice(1))).toEqual(new Set([POLL_OP]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests.length).toBe(sent);
  });

  it("stops at once on a rejected token (401): one request, no retry", async () => {
    const { credential, calls } = staticCredential();
    fake.on(
      "DELETE",
      WS_PATH,
      armError(401, "InvalidAuthenticationToken", "The access token is invalid.", {
        "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The access token is invalid."',
      }),
    );

    const error = await failure(purgeWorkspace(TARGET, options({ credential })));

    expect(error.message).toBe(
      `${PURGE} failed: Azure Resource Manager refused the DELETE with HTTP 401 (InvalidAuthenticationToken: The access token is invalid.). ` +
        "The token was rejected: check which identity signed in and its tenant (DefaultAzureCredential tries the AZURE_* variables, " +
        "workload identity, managed identity, then az login; it ignores azure-native's ARM_* variables).",
    );
    expect(error).toMatchObject({ kind: "rejected", statusCode: 401, azureErrorCode: "InvalidAuthenticationToken", requests: 1 });
    expect(fake.sequence()).toEqual([DELETE]);
    expect(calls).toHaveLength(1);
  });

  it("retries a 401 claims challenge (CAE) exactly once with a fresh token: two requests", async () => {
    const { credential, calls } = staticCredential();
    const claims = Buffer.from('{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}').toString("base64");
    fake.on(
      "DELETE",
      WS_PATH,
      armError(401, "InvalidAuthenticationToken", "The access token has been revoked.", {
        "WWW-Authenticate": `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="${claims}"`,
      }),
    );

    const error = await failure(purgeWorkspace(TARGET, options({ credential })));

    expect(error.message).toMatch(
      new RegExp(`^${escape(PURGE)} failed: Azure Resource Manager refused the DELETE with HTTP 401 \\(InvalidAuthenticationToken: The access token has been revoked\\.\\)\\. The token was rejected`),
    );
    expect(error.requests).toBe(2);
    expect(fake.sequence()).toEqual([DELETE, DELETE]);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.claims).toBe(Buffer.from(claims, "base64").toString());
  });

  it("stops at once on a missing permission (403): one request", async () => {
    fake.on(
      "DELETE",
      WS_PATH,
      armError(
        403,
        "AuthorizationFailed",
        "The client 'abc' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/delete'.",
      ),
    );

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(
      `${PURGE} failed: Azure Resource Manager refused the DELETE with HTTP 403 (AuthorizationFailed: The client 'abc' does not have authorization ` +
        "to perform action 'Microsoft.MachineLearningServices/workspaces/delete'.). " +
        "The identity lacks permission: it needs the delete action on this resource (for example Contributor on the resource group).",
    );
    expect(error).toMatchObject({ kind: "rejected", statusCode: 403, azureErrorCode: "AuthorizationFailed", requests: 1 });
    expect(fake.sequence()).toEqual([DELETE]);
  });

  it("reports a Failed operation with Azure's error code and message", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() }))
      .on(
        "GET",
        OP_PATH,
        operation("InProgress"),
        operation("Failed", { error: { code: "InternalServerError", message: "Failed to purge the workspace's managed resources" } }),
      );

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(
      `${PURGE} failed: Azure reported the operation as Failed (InternalServerError: Failed to purge the workspace's managed resources).`,
    );
    expect(error).toMatchObject({ kind: "operationFailed", azureErrorCode: "InternalServerError", requests: 3 });
    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP]);
  });

  it("reports a Canceled operation", async () => {
    fake.on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() })).on("GET", OP_PATH, operation("Canceled"));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(`${PURGE} failed: Azure reported the operation as Canceled (no error details).`);
    expect(fake.sequence()).toEqual([DELETE, POLL_OP]);
  });

  it("gives up on a persistent 503 on the DELETE after maxRetries + 1 attempts", async () => {
    fake.on("DELETE", WS_PATH, armError(503, "ServerBusy", "The server is busy."));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(
      `${PURGE} failed: the DELETE still answered HTTP 503 (ServerBusy: The server is busy.) after 4 attempts (maxRetries 3).`,
    );
    expect(error).toMatchObject({ kind: "retriesExhausted", statusCode: 503, azureErrorCode: "ServerBusy", requests: 4 });
    expect(fake.sequence()).toEqual([DELETE, DELETE, DELETE, DELETE]);
  });

  it("gives up on a persistent 503 while polling after maxRetries + 1 attempts of that poll", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl() }))
      .on("GET", OP_PATH, armError(503, "ServerBusy", "The server is busy."));

    const error = await failure(purgeWorkspace(TARGET, options({ maxRetries: 2 })));

    expect(error.message).toBe(
      `${PURGE} failed: the status poll still answered HTTP 503 (ServerBusy: The server is busy.) after 3 attempts (maxRetries 2).`,
    );
    expect(error.requests).toBe(4);
    expect(fake.sequence()).toEqual([DELETE, POLL_OP, POLL_OP, POLL_OP]);
  });

  it("gives up when every connection is dropped, naming the error code", async () => {
    fake.on("DELETE", WS_PATH, drop);

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(`${PURGE} failed: the DELETE still failed with ECONNRESET (socket hang up) after 4 attempts (maxRetries 3).`);
    expect(error).toMatchObject({ kind: "retriesExhausted", requests: 4 });
    expect(fake.sequence()).toEqual([DELETE, DELETE, DELETE, DELETE]);
  });

  it("does not retry a 429 without Retry-After (the SDK's throttling policy needs one; ARM always sends it)", async () => {
    fake.on("DELETE", WS_PATH, armError(429, "TooManyRequests", "Rate limit exceeded."));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(`${PURGE} failed: the DELETE answered HTTP 429 (TooManyRequests: Rate limit exceeded.).`);
    expect(fake.sequence()).toEqual([DELETE]);
  });

  it("does not retry a conflict (409)", async () => {
    fake.on("DELETE", WS_PATH, armError(409, "Conflict", "The workspace is being updated."));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(`${PURGE} failed: the DELETE answered HTTP 409 (Conflict: The workspace is being updated.).`);
    expect(error).toMatchObject({ kind: "httpError", statusCode: 409, requests: 1 });
    expect(fake.sequence()).toEqual([DELETE]);
  });

  it("fails when the operation status URL answers 404: whether the purge finished is unknown", async () => {
    fake
      .on("DELETE", WS_PATH, accepted({ asyncOperation: opUrl(), location: locUrl() }))
      .on("GET", OP_PATH, armError(404, "NotFound", "Operation not found."));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(
      `${PURGE} failed: the status poll answered HTTP 404 (NotFound: Operation not found.): ` +
        "Azure no longer knows the operation, so whether it finished is unknown. Running it again is safe.",
    );
    expect(fake.sequence()).toEqual([DELETE, POLL_OP]);
  });

  it("refuses to follow a polling URL to another host, so the token stays with ARM", async () => {
    fake.on("DELETE", WS_PATH, accepted({ asyncOperation: `https://attacker.example${OP_PATH}?api-version=1` }));

    const error = await failure(purgeWorkspace(TARGET, options()));

    expect(error.message).toBe(
      `${PURGE} failed: Azure's polling URL https://attacker.example${OP_PATH} is not on ${fake.endpoint}; the token is not sent elsewhere.`,
    );
    expect(fake.sequence()).toEqual([DELETE]);
  });

  it("reports a credential that cannot produce a token, without sending anything", async () => {
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error("DefaultAzureCredential failed to retrieve a token from the included credentials.");
      },
    };

    const error = await failure(purgeWorkspace(TARGET, options({ credential })));

    expect(error.message).toBe(
      `${PURGE} failed: could not get a token for Azure Resource Manager: DefaultAzureCredential failed to retrieve a token from the included credentials.`,
    );
    expect(error).toMatchObject({ kind: "credential", requests: 0 });
    expect(fake.requests).toHaveLength(0);
  });
});

describe("purgeWorkspace: TLS and inputs", () => {
  it("verifies TLS: without the test CA the self-signed server is refused before any request reaches it", async () => {
    fake.on("DELETE", WS_PATH, { status: 200 });

    const error = await failure(purgeWorkspace(TARGET, options({ ca: undefined })));

    // Node.js words the reason differently across versions (24 adds a --use-system-ca hint).
    expect(error.message).toMatch(new RegExp(`^${escape(PURGE)} failed: the DELETE failed with DEPTH_ZERO_SELF_SIGNED_CERT \\(self-signed certificate.*\\)\\.$`));
    expect(error).toMatchObject({ kind: "httpError", requests: 1 });
    expect(fake.requests).toHaveLength(0);
  });

  it("refuses a plain http endpoint before sending anything", async () => {
    const error = await failure(purgeWorkspace(TARGET, options({ endpoint: "http://127.0.0.1:1" })));

    expect(error.message).toBe(
      `${PURGE}: endpoint must use https:// so the bearer token is never sent in clear (got "http://127.0.0.1:1").`,
    );
    expect(error).toMatchObject({ kind: "invalidInput", requests: 0 });
  });

  it("refuses an empty workspace name", async () => {
    const error = await failure(purgeWorkspace({ ...TARGET, workspaceName: " " }, options()));

    expect(error.message).toBe('purgeWorkspace: target.workspaceName must be a non-empty string (got " ").');
  });

  it("refuses a zero timeout", async () => {
    const error = await failure(purgeWorkspace(TARGET, options({ timeoutMs: 0 })));

    expect(error.message).toBe(`${PURGE}: timeoutMs must be a number of milliseconds above 0 (got 0).`);
  });

  it("URL-encodes the names it puts in the path", async () => {
    const group = "rg (lab)";
    const encoded = `/subscriptions/${SUB}/resourceGroups/rg%20(lab)/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
    fake.on("DELETE", encoded, { status: 204 });

    const result = await purgeWorkspace({ ...TARGET, resourceGroupName: group }, options());

    expect(result.outcome).toBe("purged");
    expect(fake.sequence()).toEqual([`DELETE ${encoded}`]);
  });
});

describe("deleteAndWait: the generic client", () => {
  it("sends the given path, api-version and extra query, and reports deleted", async () => {
    const vaultPath = `/subscriptions/${SUB}/providers/Microsoft.KeyVault/locations/westeurope/deletedVaults/kv-lab`;
    fake.on("DELETE", vaultPath, accepted({ location: locUrl() })).on("GET", LOC_PATH, { status: 200 });

    const result = await deleteAndWait(vaultPath, "2024-11-01", { purge: "yes" }, options());

    expect(result).toEqual({ outcome: "deleted", requests: 2, elapsedMs: expect.any(Number) });
    expect(fake.sequence()).toEqual([`DELETE ${vaultPath}`, POLL_LOC]);
    expect(fake.requests[0].query).toEqual({ "api-version": "2024-11-01", purge: "yes" });
  });

  it("names the operation by its path when no operationName is given", async () => {
    fake.on("DELETE", "/x", armError(400, "BadRequest", "Nope."));

    const error = await failure(deleteAndWait("/x", "2025-01-01", {}, options()));

    expect(error.message).toBe("DELETE /x failed: the DELETE answered HTTP 400 (BadRequest: Nope.).");
  });

  it("refuses a path carrying its own query string", async () => {
    const error = await failure(deleteAndWait("/x?api-version=1", "2025-01-01", {}, options()));

    expect(error.message).toBe('DELETE /x?api-version=1: the path must start with "/" and carry no query string (got "/x?api-version=1").');
  });
});

describe("the default credential", () => {
  it("loads @azure/identity only when no credential is given, and then uses DefaultAzureCredential", async () => {
    let identityLoaded = false;
    let client: typeof import("../../components/arm/armClient") | undefined;
    jest.isolateModules(() => {
      jest.doMock("@azure/identity", () => {
        identityLoaded = true;
        return {
          DefaultAzureCredential: class {
            async getToken(): Promise<{ token: string; expiresOnTimestamp: number }> {
              return { token: "default-credential-token", expiresOnTimestamp: Date.now() + 3_600_000 };
            }
          },
        };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      client = require("../../components/arm/armClient") as typeof import("../../components/arm/armClient");
    });
    expect(identityLoaded).toBe(false);
    fake.on("DELETE", WS_PATH, { status: 204 });

    await client!.purgeWorkspace(TARGET, { ...options(), credential: undefined });

    expect(identityLoaded).toBe(true);
    expect(fake.requests[0].headers.authorization).toBe("Bearer default-credential-token");
    jest.dontMock("@azure/identity");
  });

  it("reports a DefaultAzureCredential that cannot even be created (bad AZURE_TOKEN_CREDENTIALS), without leaving a timer", async () => {
    const saved = process.env.AZURE_TOKEN_CREDENTIALS;
    process.env.AZURE_TOKEN_CREDENTIALS = "NoSuchCredential";
    try {
      const error = await failure(purgeWorkspace(TARGET, { ...options(), credential: undefined, timeoutMs: 3_600_000 }));

      expect(error.message).toMatch(
        new RegExp(`^${escape(PURGE)} failed: could not create DefaultAzureCredential: Invalid value for AZURE_TOKEN_CREDENTIALS = NoSuchCredential\\.`),
      );
      expect(error).toMatchObject({ kind: "credential", requests: 0 });
      expect(fake.requests).toHaveLength(0);
    } finally {
      if (saved === undefined) {
        delete process.env.AZURE_TOKEN_CREDENTIALS;
      } else {
        process.env.AZURE_TOKEN_CREDENTIALS = saved;
      }
    }
  });
});

describe("as a Pulumi dynamic-provider closure (pulumi/pulumi#13960)", () => {
  // Coverage instrumentation adds counters to every function, which the serializer would capture.
  const itUninstrumented = "__coverage__" in globalThis ? it.skip : it;

  itUninstrumented(
    "survives Pulumi's closure serializer: the serialized code purges and throws errors with their messages",
    async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
      // Shaped like a dynamic provider: the method calls the imported client at run time.
      const provider = {
        async delete(props: { endpoint: string; ca: string; workspaceName: string }): Promise<unknown> {
          return purgeWorkspace(
            { ...TARGET, workspaceName: props.workspaceName },
            {
              endpoint: props.endpoint,
              ca: props.ca,
              credential: { getToken: async () => ({ token: "serialized-token", expiresOnTimestamp: Date.now() + 3_600_000 }) },
              pollIntervalMs: 5,
              maxRetries: 0,
            },
          );
        },
      };

      const serialized = await pulumi.runtime.serializeFunction(() => provider, { isFactoryFunction: true });

      // The SDKs are loaded by the serialized code when it runs, not captured as objects.
      expect(serialized.text).toContain('require("@azure/core-rest-pipeline")');
      expect(serialized.text).toContain('require("@azure/identity")');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Module } = require("node:module") as typeof import("node:module");
      const loaded = new Module("serialized-provider.js") as InstanceType<typeof Module> & { _compile(code: string, file: string): void };
      loaded.paths = module.paths;
      loaded._compile(serialized.text, "serialized-provider.js");
      // With isFactoryFunction the module exports the factory's result, as Pulumi loads providers.
      const handler = (loaded.exports as { handler: typeof provider }).handler;

      fake.on("DELETE", WS_PATH, { status: 204 });
      await expect(handler.delete({ endpoint: fake.endpoint, ca: fake.ca, workspaceName: WS })).resolves.toMatchObject({ outcome: "purged", requests: 1 });
      expect(fake.requests[0].headers.authorization).toBe("Bearer serialized-token");

      fake.on("DELETE", WS_PATH, armError(409, "Conflict", "Busy."));
      const error = await failure(handler.delete({ endpoint: fake.endpoint, ca: fake.ca, workspaceName: WS }));
      expect(error.message).toBe(`${PURGE} failed: the DELETE answered HTTP 409 (Conflict: Busy.).`);
      expect(error.kind).toBe("httpError");
    },
    20_000,
  );
});

/** Waits until `condition` holds or `limitMs` passes. */
async function until(condition: () => boolean, limitMs: number): Promise<void> {
  const stopAt = Date.now() + limitMs;
  while (!condition() && Date.now() < stopAt) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
