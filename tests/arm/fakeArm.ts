/**
 * A fake Azure Resource Manager for the ARM client's tests: a real HTTPS server on 127.0.0.1 with a
 * self-signed certificate made at start (the Azure SDK's bearer-token policy refuses plain http), so
 * the client's real pipeline (TLS, retries, token signing, keep-alive) is what gets tested.
 *
 * Each route answers from a script: a list of replies consumed one per request, the last one
 * repeating, or a function of the call number. Every request is recorded with its arrival time.
 * A request to an unscripted route gets 501, which the SDK never retries, so a surprise request
 * shows up once in the recorded sequence instead of hiding behind retries.
 */
import https from "node:https";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query parameters, decoded. */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Milliseconds since the fake started (or was last reset), for checking waits. */
  readonly atMs: number;
}

/** An HTTP answer, or a connection destroyed before any byte of the answer (the client sees ECONNRESET). */
export type FakeReply =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: unknown }
  | { readonly dropConnection: true };

/** Computes a reply from the request and its 1-based call number on that route. */
export type FakeHandler = (request: RecordedRequest, call: number) => FakeReply;

/** The fake server. Start with {@link FakeArm.start}; always {@link FakeArm.close} it. */
export class FakeArm {
  private readonly routes = new Map<string, { handler: FakeHandler; calls: number }>();
  private readonly recorded: RecordedRequest[] = [];
  private startedAt = Date.now();

  private constructor(
    private readonly server: https.Server,
    /** `https://127.0.0.1:<port>`: pass as the client's `endpoint`. */
    readonly endpoint: string,
    /** The server's self-signed certificate (PEM): pass as the client's `ca`. */
    readonly ca: string,
  ) {}

  /** Makes a certificate for 127.0.0.1 and listens on a free port. */
  static async start(): Promise<FakeArm> {
    // EC keys: generation takes milliseconds, unlike RSA.
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const server = https.createServer({ key: pems.private, cert: pems.cert });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeArm(server, `https://127.0.0.1:${port}`, pems.cert);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  /** Scripts `method path`: the n-th request gets `replies[n-1]`, later ones the last reply. */
  on(method: string, path: string, ...replies: FakeReply[]): this {
    if (replies.length === 0) {
      throw new Error(`FakeArm.on(${method} ${path}): give at least one reply`);
    }
    return this.onCall(method, path, (_request, call) => replies[Math.min(call, replies.length) - 1]);
  }

  /** Scripts `method path` with a function of the request and its call number. */
  onCall(method: string, path: string, handler: FakeHandler): this {
    this.routes.set(`${method.toUpperCase()} ${path}`, { handler, calls: 0 });
    return this;
  }

  /** Absolute URL on this server, for Azure-AsyncOperation and Location headers. */
  url(pathAndQuery: string): string {
    return `${this.endpoint}${pathAndQuery}`;
  }

  /** Every request so far, in arrival order. */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** The requests as `"METHOD /path"` strings, for asserting the exact sequence. */
  sequence(): string[] {
    return this.recorded.map((request) => `${request.method} ${request.path}`);
  }

  /** Forgets routes and recorded requests between tests; the server keeps running. */
  reset(): void {
    this.routes.clear();
    this.recorded.length = 0;
    this.startedAt = Date.now();
  }

  /** Stops listening and cuts keep-alive connections, so jest has no open handle left. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.endpoint);
    const request: RecordedRequest = {
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      atMs: Date.now() - this.startedAt,
    };
    this.recorded.push(request);
    req.resume();
    const route = this.routes.get(`${request.method} ${request.path}`);
    let reply: FakeReply;
    if (route === undefined) {
      reply = armError(501, "FakeArmNoRoute", `No scripted reply for ${request.method} ${request.path}`);
    } else {
      route.calls += 1;
      reply = route.handler(request, route.calls);
    }
    if ("dropConnection" in reply) {
      req.socket.destroy();
      return;
    }
    const hasBody = reply.body !== undefined && reply.status !== 204;
    res.writeHead(reply.status, {
      ...(hasBody ? { "content-type": "application/json; charset=utf-8" } : {}),
      ...reply.headers,
    });
    res.end(hasBody ? JSON.stringify(reply.body) : undefined);
  }
}

/** Azure's error envelope: `{ "error": { "code", "message" } }`. */
export function armError(status: number, code: string, message: string, headers?: Record<string, string>): FakeReply {
  return { status, headers, body: { error: { code, message } } };
}

/** A 202 Accepted pointing at the operation, as ARM answers a long-running DELETE. */
export function accepted(links: { asyncOperation?: string; location?: string; retryAfterSeconds?: number }): FakeReply {
  const headers: Record<string, string> = {};
  if (links.asyncOperation !== undefined) headers["Azure-AsyncOperation"] = links.asyncOperation;
  if (links.location !== undefined) headers["Location"] = links.location;
  if (links.retryAfterSeconds !== undefined) headers["Retry-After"] = String(links.retryAfterSeconds);
  return { status: 202, headers };
}

/** An Azure-AsyncOperation status body, e.g. InProgress or Succeeded. */
export function operation(status: string, extra: { retryAfterSeconds?: number; error?: { code: string; message: string } } = {}): FakeReply {
  return {
    status: 200,
    headers: extra.retryAfterSeconds === undefined ? undefined : { "Retry-After": String(extra.retryAfterSeconds) },
    body: { id: "/providers/Microsoft.MachineLearningServices/locations/westeurope/mfeOperationsStatus/op-1", status, ...(extra.error ? { error: extra.error } : {}) },
  };
}

/** Destroys the connection before answering. */
export const drop: FakeReply = { dropConnection: true };
