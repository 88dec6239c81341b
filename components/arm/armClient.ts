/**
 * A small Azure Resource Manager (ARM) client: DELETE a resource and wait until Azure has finished,
 * surviving throttling, server errors and dropped connections within fixed bounds.
 *
 * It exists for the "purge the soft-deleted ML workspace on destroy" dynamic provider: azure-native
 * has no purge switch for workspaces, and a soft-deleted workspace keeps its name reserved for 14
 * days (see ../../../shared/reference/naming-and-lifecycle.md).
 *
 * Two constraints shape this file:
 * - Pulumi serializes dynamic-provider methods as closures (pulumi/pulumi#13960, #18997). So the
 *   Azure SDKs are `require`d inside the functions that use them (a module-level SDK object would be
 *   serialized by value, or fail to serialize), only types are imported at the top, and everything
 *   the client needs lives in this one file (a relative `require` would not resolve from the
 *   serialized code).
 * - Retries are the Azure SDK's own: @azure/core-rest-pipeline's default retry policy (Retry-After
 *   on 429/503, exponential backoff with jitter on 408/5xx and on ECONNRESET and other connection
 *   errors), bounded by `maxRetries` per HTTP request. Only the async-operation polling loop is
 *   written here; see `waitForOperation` for why @azure/core-lro is not used.
 */
import type { TokenCredential } from "@azure/identity";
import type { HttpClient, Pipeline, PipelineResponse } from "@azure/core-rest-pipeline";

/** The public-cloud ARM endpoint; sovereign clouds pass theirs as `endpoint`. */
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

/**
 * The Microsoft.MachineLearningServices API version the purge uses, the same one the project's
 * azure-native version (3.28.0) targets, so both speak the same contract.
 */
export const ML_WORKSPACE_API_VERSION = "2025-12-01";

/** Timings and retry bounds used when the caller gives none. */
export const ARM_CLIENT_DEFAULTS = {
  endpoint: DEFAULT_ARM_ENDPOINT,
  pollIntervalMs: 10_000,
  maxRetries: 5,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 30_000,
  timeoutMs: 60 * 60 * 1000,
} as const;

/**
 * How to reach ARM and how long to try. Every field is optional; production needs none of them.
 */
export interface ArmClientOptions {
  /**
   * Optional. The ARM endpoint, `https://` only (the bearer-token policy refuses plain http, and a
   * token must never travel unencrypted). Tests point it at a local fake server.
   * Defaults to `https://management.azure.com`.
   */
  readonly endpoint?: string;
  /**
   * Optional. Where tokens come from. The token scope is `<endpoint origin>/.default`.
   * Defaults to a `DefaultAzureCredential`, created only when a call needs it (it reads the
   * `AZURE_*` variables, workload identity, managed identity and the Azure CLI login; not
   * azure-native's `ARM_*` variables).
   */
  readonly credential?: TokenCredential;
  /**
   * Optional. Milliseconds between status polls when Azure sends no `Retry-After`.
   * Defaults to 10000.
   */
  readonly pollIntervalMs?: number;
  /**
   * Optional. Retries per HTTP request (the DELETE and each poll) on 429, 408, 5xx and connection
   * errors, so each request is sent at most `maxRetries + 1` times. 401, 403 and other 4xx are never
   * retried. Defaults to 5.
   */
  readonly maxRetries?: number;
  /**
   * Optional. First backoff delay in milliseconds; it doubles on each retry (with jitter) up to
   * `maxRetryDelayMs`. A 429 or 503 with `Retry-After` waits what Azure asks instead.
   * Defaults to 1000.
   */
  readonly retryDelayMs?: number;
  /**
   * Optional. Upper bound in milliseconds of one backoff delay. Defaults to 30000.
   */
  readonly maxRetryDelayMs?: number;
  /**
   * Optional. Overall bound in milliseconds for the whole operation (token, DELETE, retries and
   * polls); after it the client gives up with an error, although Azure may still finish.
   * Defaults to 3600000 (one hour, as long as the Bicep cleanup module polls).
   */
  readonly timeoutMs?: number;
  /**
   * Optional. PEM certificate authority to trust instead of the public roots, e.g. the self-signed
   * certificate of a test server or an Azure Stack Hub CA. TLS is always verified; there is no
   * switch to turn verification off. Defaults to the public roots Node.js ships.
   */
  readonly ca?: string | Buffer;
}

/** Options of {@link deleteAndWait}: the client options plus how errors name the operation. */
export interface DeleteAndWaitOptions extends ArmClientOptions {
  /**
   * Optional. How error messages name the operation, e.g. `Purge of workspace "w" in resource
   * group "rg"`. Defaults to `DELETE <path>`.
   */
  readonly operationName?: string;
}

/** What {@link deleteAndWait} achieved. */
export interface DeleteResult {
  /** `deleted`: Azure accepted the DELETE and finished it; `alreadyGone`: the DELETE found nothing (404). */
  readonly outcome: "deleted" | "alreadyGone";
  /** HTTP requests sent, retries included: the cost of the operation. */
  readonly requests: number;
  /** Wall time from the call to the result, in milliseconds. */
  readonly elapsedMs: number;
}

/** The soft-deleted (or live) workspace to purge. */
export interface WorkspaceTarget {
  /** Required. Subscription that holds the resource group. */
  readonly subscriptionId: string;
  /** Required. Resource group the workspace was created in (it may no longer exist). */
  readonly resourceGroupName: string;
  /** Required. Workspace name. */
  readonly workspaceName: string;
}

/** What {@link purgeWorkspace} achieved. */
export interface PurgeResult {
  /**
   * `purged`: Azure accepted the purge and finished it; `alreadyGone`: there was nothing to purge
   * (never existed, or already purged), which is just as good for a destroy.
   */
  readonly outcome: "purged" | "alreadyGone";
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  /** Wall time from the call to the result, in milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Why an operation failed, so a caller can react without parsing messages:
 * - `invalidInput`: bad arguments or options; nothing was sent.
 * - `credential`: no token could be obtained (e.g. no Azure login in CI).
 * - `rejected`: ARM refused the token or the permission (401/403); not retried.
 * - `httpError`: another non-retryable answer (e.g. 400, 409), or a poll of the operation found nothing (404).
 * - `retriesExhausted`: 429/5xx/connection errors outlasted `maxRetries`.
 * - `operationFailed`: Azure ran the operation and reported Failed or Canceled.
 * - `timeout`: `timeoutMs` passed; Azure may still finish.
 */
export type ArmFailureKind =
  | "invalidInput"
  | "credential"
  | "rejected"
  | "httpError"
  | "retriesExhausted"
  | "operationFailed"
  | "timeout";

/**
 * The only error {@link deleteAndWait} and {@link purgeWorkspace} throw: a plain `Error` (name
 * `ArmOperationError`) with these fields. The message is meant for people (it names the resource,
 * what Azure answered and what to do); the fields are for code. Test with {@link isArmOperationError}.
 *
 * Not a class: Pulumi's closure serializer rewrites `class X extends Error` into `Error.call(this,
 * message)`, which sets no message, so a serialized dynamic provider would throw empty errors.
 */
export interface ArmOperationError extends Error {
  readonly name: "ArmOperationError";
  /** What went wrong; see {@link ArmFailureKind}. */
  readonly kind: ArmFailureKind;
  /** The last HTTP status, when the failure came from an HTTP answer. */
  readonly statusCode?: number;
  /** Azure's error code (e.g. `AuthorizationFailed`), when Azure sent one. */
  readonly azureErrorCode?: string;
  /** HTTP requests sent before giving up, retries included (one cut off by the timeout counts too). */
  readonly requests: number;
  /** Milliseconds from the call to the failure. */
  readonly elapsedMs: number;
}

/**
 * True for the errors this client throws, so a caller can read `kind` and the other fields.
 * Checks the shape, not `instanceof Error`, which fails across realms (a vm context, a jest sandbox).
 */
export function isArmOperationError(error: unknown): error is ArmOperationError {
  if (typeof error !== "object" || error === null) {
    return false;
  }
  const candidate = error as { name?: unknown; kind?: unknown; message?: unknown };
  return candidate.name === "ArmOperationError" && typeof candidate.kind === "string" && typeof candidate.message === "string";
}

/** Builds an {@link ArmOperationError}: a real `Error` (stack included) with the fields assigned. */
function armOperationError(
  kind: ArmFailureKind,
  message: string,
  details: { statusCode?: number; azureErrorCode?: string; requests: number; elapsedMs: number },
): ArmOperationError {
  return Object.assign(new Error(message), {
    name: "ArmOperationError" as const,
    kind,
    ...(details.statusCode === undefined ? {} : { statusCode: details.statusCode }),
    ...(details.azureErrorCode === undefined ? {} : { azureErrorCode: details.azureErrorCode }),
    requests: details.requests,
    elapsedMs: details.elapsedMs,
  });
}

/**
 * Purges an Azure ML workspace, soft-deleted or not:
 * `DELETE {endpoint}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}?api-version=2025-12-01&forceToPurge=true`,
 * then waits for Azure's asynchronous operation to finish. A workspace that is not there (404) is
 * reported as `alreadyGone`, so running it twice is safe.
 *
 * @throws an {@link ArmOperationError} naming the workspace, Azure's answer and the request count.
 */
export async function purgeWorkspace(target: WorkspaceTarget, options: ArmClientOptions = {}): Promise<PurgeResult> {
  for (const field of ["subscriptionId", "resourceGroupName", "workspaceName"] as const) {
    const value: unknown = target?.[field];
    if (typeof value !== "string" || value.trim() === "") {
      throw armOperationError(
        "invalidInput",
        `purgeWorkspace: target.${field} must be a non-empty string (got ${JSON.stringify(value)}).`,
        { requests: 0, elapsedMs: 0 },
      );
    }
  }
  const path =
    `/subscriptions/${encodeURIComponent(target.subscriptionId)}` +
    `/resourceGroups/${encodeURIComponent(target.resourceGroupName)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(target.workspaceName)}`;
  const result = await deleteAndWait(
    path,
    ML_WORKSPACE_API_VERSION,
    { forceToPurge: "true" },
    {
      ...options,
      operationName: `Purge of workspace "${target.workspaceName}" in resource group "${target.resourceGroupName}"`,
    },
  );
  return {
    outcome: result.outcome === "deleted" ? "purged" : "alreadyGone",
    requests: result.requests,
    elapsedMs: result.elapsedMs,
  };
}

/**
 * Sends `DELETE {endpoint}{path}?api-version={apiVersion}&{extraQuery}` and waits until Azure has
 * finished, following ARM's asynchronous operation protocol:
 * - 200/204 (or any 2xx but 202): done. 404: already gone.
 * - 202: poll `Azure-AsyncOperation` (preferred) until its body's `status` is Succeeded (done),
 *   Failed or Canceled (error); or else poll `Location` until 200/204 or 404 (done), 202 meaning
 *   "still going". `Retry-After` (seconds or HTTP date) sets the wait before each poll.
 * Every request is retried on 429, 408, 5xx and connection errors within `maxRetries`; the whole
 * call gives up after `timeoutMs`.
 *
 * @param path ARM resource path starting with `/`, segments already URL-encoded, no query string.
 * @param apiVersion The `api-version` query value the resource provider expects.
 * @param extraQuery Further query parameters, e.g. `{ forceToPurge: "true" }`.
 * @param options Endpoint, credential, timings; see {@link DeleteAndWaitOptions}.
 * @throws an {@link ArmOperationError} with a message naming the operation and what Azure answered.
 */
export async function deleteAndWait(
  path: string,
  apiVersion: string,
  extraQuery: Readonly<Record<string, string>> = {},
  options: DeleteAndWaitOptions = {},
): Promise<DeleteResult> {
  const startedAt = Date.now();
  const operationName = options.operationName ?? `DELETE ${path}`;
  const settings = resolveSettings(path, apiVersion, options, operationName);
  const url = buildUrl(settings.endpoint, path, apiVersion, extraQuery);

  const counter = { requests: 0 };
  // Built before the deadline timer starts, so a failure here cannot leave the timer running.
  const pipeline = createPipeline(settings, options.credential, counter, operationName, startedAt);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
  const progress: Progress = { lastStatus: undefined };
  const context: RequestContext = { operationName, settings, counter, startedAt, signal: deadline.signal, ...pipeline };
  try {
    const first = await send(context, "DELETE", url, "the DELETE");
    progress.lastStatus = `HTTP ${first.status}`;
    if (first.status === 404) {
      return { outcome: "alreadyGone", requests: counter.requests, elapsedMs: Date.now() - startedAt };
    }
    if (first.status === 202) {
      await waitForOperation(context, first, progress);
    }
    return { outcome: "deleted", requests: counter.requests, elapsedMs: Date.now() - startedAt };
  } catch (error) {
    if (deadline.signal.aborted && !isArmOperationError(error)) {
      throw armOperationError(
        "timeout",
        `${operationName} did not finish within ${formatDuration(settings.timeoutMs)} (timeoutMs); ` +
          (progress.lastStatus === undefined
            ? "the DELETE had no answer yet. "
            : `the last status was ${progress.lastStatus}. `) +
          "It may still complete in Azure; running it again later is safe (a resource already gone counts as done).",
        { requests: counter.requests, elapsedMs: Date.now() - startedAt },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Settings after defaults and validation. */
interface Settings {
  readonly endpoint: string;
  readonly scope: string;
  readonly pollIntervalMs: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly timeoutMs: number;
  readonly ca?: string | Buffer;
}

/** What one call shares between its requests. */
interface RequestContext {
  readonly operationName: string;
  readonly settings: Settings;
  readonly counter: { requests: number };
  readonly startedAt: number;
  readonly signal: AbortSignal;
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
  readonly sdk: typeof import("@azure/core-rest-pipeline");
}

/** The last status Azure reported, for the timeout message. */
interface Progress {
  lastStatus: string | undefined;
}

/** Applies defaults and rejects options that would make the bounds meaningless, before any request. */
function resolveSettings(path: string, apiVersion: string, options: ArmClientOptions, operationName: string): Settings {
  const invalid = (message: string): ArmOperationError =>
    armOperationError("invalidInput", `${operationName}: ${message}`, { requests: 0, elapsedMs: 0 });
  if (typeof path !== "string" || !path.startsWith("/") || path.includes("?") || path.includes("#")) {
    throw invalid(`the path must start with "/" and carry no query string (got ${JSON.stringify(path)}).`);
  }
  if (typeof apiVersion !== "string" || apiVersion.trim() === "") {
    throw invalid(`apiVersion must be a non-empty string (got ${JSON.stringify(apiVersion)}).`);
  }
  const endpointText = options.endpoint ?? ARM_CLIENT_DEFAULTS.endpoint;
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw invalid(`endpoint is not a URL (got ${JSON.stringify(endpointText)}).`);
  }
  if (endpoint.protocol !== "https:") {
    throw invalid(`endpoint must use https:// so the bearer token is never sent in clear (got ${JSON.stringify(endpointText)}).`);
  }
  const numbers = {
    pollIntervalMs: options.pollIntervalMs ?? ARM_CLIENT_DEFAULTS.pollIntervalMs,
    maxRetries: options.maxRetries ?? ARM_CLIENT_DEFAULTS.maxRetries,
    retryDelayMs: options.retryDelayMs ?? ARM_CLIENT_DEFAULTS.retryDelayMs,
    maxRetryDelayMs: options.maxRetryDelayMs ?? ARM_CLIENT_DEFAULTS.maxRetryDelayMs,
    timeoutMs: options.timeoutMs ?? ARM_CLIENT_DEFAULTS.timeoutMs,
  };
  for (const [name, value] of Object.entries(numbers)) {
    const mustBePositive = name === "timeoutMs";
    if (!Number.isFinite(value) || value < 0 || (mustBePositive && value === 0) || (name === "maxRetries" && !Number.isInteger(value))) {
      throw invalid(
        `${name} must be a ${name === "maxRetries" ? "whole number" : "number of milliseconds"} ${mustBePositive ? "above 0" : "of 0 or more"} (got ${value}).`,
      );
    }
  }
  if (numbers.maxRetryDelayMs < numbers.retryDelayMs) {
    throw invalid(`maxRetryDelayMs (${numbers.maxRetryDelayMs}) must not be below retryDelayMs (${numbers.retryDelayMs}).`);
  }
  return { endpoint: endpoint.origin, scope: `${endpoint.origin}/.default`, ...numbers, ca: options.ca };
}

/** Joins endpoint, path and query; `api-version` comes first, as in Azure's own examples. */
function buildUrl(endpoint: string, path: string, apiVersion: string, extraQuery: Readonly<Record<string, string>>): string {
  const query = new URLSearchParams({ "api-version": apiVersion });
  for (const [key, value] of Object.entries(extraQuery)) {
    query.set(key, value);
  }
  return `${endpoint}${path}?${query.toString()}`;
}

/**
 * Builds the standard Azure SDK pipeline (proxy from HTTPS_PROXY/NO_PROXY, user agent, client
 * request id, default retry policy, redirects, logging), signs each attempt with a bearer token (in
 * the Sign phase, after the retry policy, so a retry after a long Retry-After gets a fresh token),
 * and counts the requests that actually go out.
 */
function createPipeline(
  settings: Settings,
  credential: TokenCredential | undefined,
  counter: { requests: number },
  operationName: string,
  startedAt: number,
): Pick<RequestContext, "pipeline" | "httpClient" | "sdk"> {
  // Required here, not at module level: see the file comment (pulumi/pulumi#13960).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
  const pipeline = sdk.createPipelineFromOptions({
    retryOptions: {
      maxRetries: settings.maxRetries,
      retryDelayInMs: settings.retryDelayMs,
      maxRetryDelayInMs: settings.maxRetryDelayMs,
    },
    ...(settings.ca === undefined ? {} : { tlsOptions: { ca: settings.ca } }),
    userAgentOptions: { userAgentPrefix: "dp100-lab-arm-client" },
  });
  let tokenSource = credential;
  if (tokenSource === undefined) {
    try {
      tokenSource = defaultCredential();
    } catch (error) {
      // e.g. an invalid AZURE_TOKEN_CREDENTIALS value makes the constructor throw.
      throw armOperationError(
        "credential",
        `${operationName} failed: could not create DefaultAzureCredential: ${error instanceof Error ? error.message : String(error)}`,
        { requests: 0, elapsedMs: Date.now() - startedAt },
      );
    }
  }
  pipeline.addPolicy(sdk.bearerTokenAuthenticationPolicy({ credential: tokenSource, scopes: settings.scope }), { phase: "Sign" });
  pipeline.addPolicy(
    {
      name: "armClientRequestCounter",
      sendRequest: (request, next) => {
        counter.requests += 1;
        return next(request);
      },
    },
    { afterPhase: "Sign" },
  );
  return { pipeline, httpClient: sdk.createDefaultHttpClient(), sdk };
}

/** Creates the production credential on first use, so tests and Pulumi's closure serializer never load @azure/identity. */
function defaultCredential(): TokenCredential {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  return new identity.DefaultAzureCredential();
}

/**
 * Sends one request through the pipeline (which retries it) and turns whatever ends the retries into
 * either a response this client understands (2xx, or 404 where the caller decides) or an
 * {@link ArmOperationError}.
 */
async function send(context: RequestContext, method: "DELETE" | "GET", url: string, what: string): Promise<PipelineResponse> {
  const { sdk, counter, settings } = context;
  const before = counter.requests;
  let response: PipelineResponse;
  try {
    response = await context.pipeline.sendRequest(
      context.httpClient,
      sdk.createPipelineRequest({ url, method, abortSignal: context.signal }),
    );
  } catch (error) {
    if (context.signal.aborted) {
      throw error; // deleteAndWait reports the timeout
    }
    const attempts = counter.requests - before;
    if (sdk.isRestError(error) && error.response === undefined && attempts > 0) {
      // A connection or TLS error: retried by the pipeline if it was transient (ECONNRESET, ...).
      throw fail(
        context,
        attempts > 1 ? "retriesExhausted" : "httpError",
        `${what} ${attempts > 1 ? "still failed" : "failed"} with ${error.code ?? "a connection error"} (${error.message})${afterAttempts(attempts, settings)}.`,
        {},
      );
    }
    const name = error instanceof Error ? error.name : "";
    const reason = error instanceof Error ? error.message : String(error);
    if (attempts === 0 || /Credential|Authentication/.test(name)) {
      // The bearer policy could not get a token (CredentialUnavailableError, AuthenticationError).
      throw fail(context, "credential", `could not get a token for Azure Resource Manager: ${reason}`, {});
    }
    throw fail(context, "httpError", `${what} failed: ${reason}`, {});
  }
  const status = response.status;
  if ((status >= 200 && status < 300) || status === 404) {
    return response;
  }
  const attempts = counter.requests - before;
  const azure = azureError(response);
  const answer = `HTTP ${status} (${azure.text})`;
  if (status === 401 || status === 403) {
    const hint =
      status === 401
        ? "The token was rejected: check which identity signed in and its tenant (DefaultAzureCredential tries the AZURE_* variables, workload identity, managed identity, then az login; it ignores azure-native's ARM_* variables)."
        : "The identity lacks permission: it needs the delete action on this resource (for example Contributor on the resource group).";
    throw fail(context, "rejected", `Azure Resource Manager refused ${what} with ${answer}. ${hint}`, {
      statusCode: status,
      azureErrorCode: azure.code,
    });
  }
  const retried = attempts > 1;
  throw fail(
    context,
    retried ? "retriesExhausted" : "httpError",
    `${what} ${retried ? "still answered" : "answered"} ${answer}${afterAttempts(attempts, settings)}.`,
    { statusCode: status, azureErrorCode: azure.code },
  );
}

/** " after 4 attempts (maxRetries 3)" once the pipeline has retried; nothing for a single attempt. */
function afterAttempts(attempts: number, settings: Settings): string {
  return attempts > 1 ? ` after ${attempts} attempts (maxRetries ${settings.maxRetries})` : "";
}

/**
 * Polls a 202's operation until it ends.
 *
 * Written here rather than with @azure/core-lro's createHttpPoller because its behaviour does not
 * fit a DELETE that must treat "gone" as success: it reports a 404 on the Location URL as a failed
 * operation; it follows a `resourceLocation` in the status body with a GET that, after a delete, can
 * only 404; it polls once immediately, ignoring the 202's own Retry-After; and it flattens Azure's
 * error into a message string. What remains is a short loop; the retries stay the SDK's.
 */
async function waitForOperation(context: RequestContext, accepted: PipelineResponse, progress: Progress): Promise<void> {
  const asyncOperationUrl = accepted.headers.get("azure-asyncoperation") ?? accepted.headers.get("operation-location");
  const firstPollUrl = asyncOperationUrl ?? accepted.headers.get("location");
  if (firstPollUrl === undefined) {
    // ARM requires a Location with every 202; without one there is nothing to wait for.
    return;
  }
  let pollUrl = checkedPollUrl(context, firstPollUrl);
  const viaLocation = asyncOperationUrl === undefined;
  let waitMs = retryAfterMs(accepted) ?? context.settings.pollIntervalMs;
  for (;;) {
    await sleep(waitMs, context.signal);
    const response = await send(context, "GET", pollUrl, "the status poll");
    waitMs = retryAfterMs(response) ?? context.settings.pollIntervalMs;
    if (viaLocation) {
      // Location protocol: 202 still going; 200/204 done; 404 the resource is gone, which is done too.
      if (response.status !== 202) {
        return;
      }
      progress.lastStatus = "HTTP 202 (Accepted)";
      const next = response.headers.get("location");
      pollUrl = next === undefined ? pollUrl : checkedPollUrl(context, next);
      continue;
    }
    if (response.status === 404) {
      throw fail(
        context,
        "httpError",
        `the status poll answered HTTP 404 (${azureError(response).text}): Azure no longer knows the operation, so whether it finished is unknown. Running it again is safe.`,
        { statusCode: 404 },
      );
    }
    const status = operationStatus(response);
    progress.lastStatus = status ?? `HTTP ${response.status}`;
    const normalized = status?.toLowerCase();
    if (normalized === "succeeded") {
      return;
    }
    if (normalized === "failed" || normalized === "canceled" || normalized === "cancelled") {
      const azure = azureError(response);
      throw fail(context, "operationFailed", `Azure reported the operation as ${status} (${azure.text}).`, {
        statusCode: response.status,
        azureErrorCode: azure.code,
      });
    }
    if (status === undefined && response.status !== 202) {
      // A 200/204 status answer without a status field: nothing says it is still running.
      return;
    }
  }
}

/**
 * Resolves a polling URL from a response header and keeps it on the endpoint's origin: the bearer
 * token goes with every poll, and ARM's operation URLs always live on the endpoint itself.
 */
function checkedPollUrl(context: RequestContext, headerValue: string): string {
  let url: URL;
  try {
    url = new URL(headerValue, context.settings.endpoint);
  } catch {
    throw fail(context, "httpError", `Azure's polling URL is not a URL (${JSON.stringify(headerValue)}).`, {});
  }
  if (url.origin !== context.settings.endpoint) {
    throw fail(
      context,
      "httpError",
      `Azure's polling URL ${url.origin}${url.pathname} is not on ${context.settings.endpoint}; the token is not sent elsewhere.`,
      {},
    );
  }
  return url.toString();
}

/** Builds the error every failure path throws, so all messages share one shape. */
function fail(
  context: RequestContext,
  kind: ArmFailureKind,
  detail: string,
  fields: { statusCode?: number; azureErrorCode?: string },
): ArmOperationError {
  return armOperationError(kind, `${context.operationName} failed: ${detail}`, {
    ...fields,
    requests: context.counter.requests,
    elapsedMs: Date.now() - context.startedAt,
  });
}

/** Reads `status` from an Azure-AsyncOperation body (InProgress, Succeeded, Failed, Canceled, ...). */
function operationStatus(response: PipelineResponse): string | undefined {
  const body = parseJson(response.bodyAsText);
  const status = isRecord(body) ? body["status"] : undefined;
  return typeof status === "string" && status !== "" ? status : undefined;
}

/** Azure's `{ error: { code, message } }` (or a bare `{ code, message }`) as "Code: message". */
function azureError(response: PipelineResponse): { code?: string; text: string } {
  const body = parseJson(response.bodyAsText);
  const candidate = isRecord(body) ? (isRecord(body["error"]) ? body["error"] : body) : undefined;
  const code = typeof candidate?.["code"] === "string" ? candidate["code"] : undefined;
  const message = typeof candidate?.["message"] === "string" ? candidate["message"] : undefined;
  if (code !== undefined || message !== undefined) {
    return { code, text: [code, message].filter((part) => part !== undefined).join(": ") };
  }
  // A JSON body without an error (e.g. `{ "status": "Canceled" }`) has nothing more to say; other
  // text (an HTML page from a proxy) is shown, shortened, since it is all there is.
  const raw = (response.bodyAsText ?? "").trim();
  if (raw === "" || body !== undefined) {
    return { text: "no error details" };
  }
  return { text: raw.length > 300 ? `${raw.slice(0, 300)}...` : raw };
}

/** `Retry-After` in milliseconds: ARM sends seconds; RFC 9110 also allows an HTTP date. */
function retryAfterMs(response: PipelineResponse): number | undefined {
  const value = response.headers.get("retry-after")?.trim();
  if (value === undefined || value === "") {
    return undefined;
  }
  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Waits, but stops at once when the overall deadline aborts (so no timer outlives the call).
 * The timer lives in an object declared before the closures that use it: Pulumi's closure
 * serializer rejects a variable used before its declaration ("Unexpected missing variable in
 * closure environment"), and the linter wants a `const`.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error("aborted"));
      return;
    }
    const timers: { timer?: ReturnType<typeof setTimeout> } = {};
    const onAbort = (): void => {
      clearTimeout(timers.timer);
      reject(new Error("aborted"));
    };
    timers.timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function parseJson(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text === "") {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "250 ms", "1.5 s", "60 min": readable bounds in error messages. */
function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms} ms`;
  }
  if (ms < 120_000) {
    return `${Number((ms / 1000).toFixed(1))} s`;
  }
  return `${Number((ms / 60_000).toFixed(1))} min`;
}
