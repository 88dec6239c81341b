/**
 * Runs a Pulumi program against the engine double and returns what it registered, as plain data.
 *
 * This module and the program must share one instance of @pulumi/pulumi (the runtime's mocks, config
 * and sentinels live in it): the CLI loads both once; a test loads both inside one isolated module
 * registry (see tests/plan/cli.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { EngineRecord, installEngineDouble, RegisteredResource } from "./engineDouble";
import { isProgramError, ProgramError } from "./errors";

/** What a run needs: the identity of the stack and its config as the CLI would pass it. */
export interface ProgramRequest {
    readonly project: string;
    readonly stack: string;
    /** Raw config, `<namespace>:<key>` to string. */
    readonly config: Record<string, string>;
    /** Keys whose values are secrets. */
    readonly secretKeys: string[];
}

/** What a run produced: the registrations (inputs as plain JSON-like data) and the stack outputs' names. */
export interface ProgramResult {
    readonly resources: RegisteredResource[];
    readonly outputs: string[];
}

/** Runs a program for a request; the CLI's runner loads the program with `require`. */
export type ProgramRunner = (request: ProgramRequest) => Promise<ProgramResult>;

/** How long the program may take to register everything (it takes well under a second). */
const RUN_TIMEOUT_MS = 30_000;

/**
 * Installs the engine double, loads the program with `load`, waits until every registration has
 * reached the double, and returns the record with inputs made plain (assets and resource references
 * described, secrets kept in Pulumi's secret envelope for the plan to redact).
 */
export async function runWithEngineDouble(request: ProgramRequest, load: () => unknown): Promise<ProgramResult> {
    const record: EngineRecord = await installEngineDouble({
        project: request.project,
        stack: request.stack,
        config: request.config,
        secretKeys: request.secretKeys,
        preview: false,
        // About a fifth of the plan's run time, for an input the plan only summarizes; the component's
        // own unit tests serialize the real closure.
        serializeDynamicProviders: false,
    });
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        let program: unknown;
        try {
            program = await load();
        } catch (error) {
            throw toProgramError(error);
        }
        await withTimeout(pulumi.runtime.disconnect(), RUN_TIMEOUT_MS);
        if (failures.length > 0) {
            throw toProgramError(failures[0]);
        }
        const outputs = Object.keys((program ?? {}) as object).filter((key) => key !== "__esModule" && key !== "default").sort();
        const resources: RegisteredResource[] = [];
        for (const resource of record.resources) {
            resources.push({ ...resource, inputs: (await plain(resource.inputs)) as Record<string, unknown> });
        }
        return { resources, outputs };
    } finally {
        process.off("unhandledRejection", onRejection);
    }
}

function toProgramError(error: unknown): ProgramError {
    if (isProgramError(error)) {
        return error;
    }
    if (pulumi.RunError.isInstance(error) || pulumi.ResourceError.isInstance(error)) {
        return new ProgramError((error as Error).message, true);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ProgramError(message, false, error instanceof Error ? error.stack : undefined);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () => reject(new ProgramError(`the program did not finish registering its resources within ${ms / 1000} s`, false)),
            ms,
        );
    });
    try {
        return await Promise.race([promise, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/**
 * A deserialized input value as plain data: assets and archives as `{ "<kind>": <path|uri|hash> }`,
 * resource references as their URN, values unknown at plan time as "[unknown]". Secret envelopes
 * (`{ [specialSigKey]: specialSecretSig, value }`) stay, with their contents made plain.
 */
async function plain(value: unknown): Promise<unknown> {
    if (value === undefined || value === null || typeof value !== "object") {
        return value;
    }
    if (pulumi.isUnknown(value)) {
        return "[unknown]";
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(plain));
    }
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
        return describeAsset(value);
    }
    if (pulumi.Resource.isInstance(value)) {
        const urn = (value as unknown as pulumi.Resource).urn;
        return { resource: await new Promise((resolve) => urn.apply(resolve)) };
    }
    if (pulumi.Output.isInstance(value)) {
        return "[output]";
    }
    const entries = await Promise.all(Object.entries(value as Record<string, unknown>).map(async ([key, item]) => [key, await plain(item)] as const));
    return Object.fromEntries(entries);
}

async function describeAsset(value: pulumi.asset.Asset | pulumi.asset.Archive): Promise<unknown> {
    const fields = value as unknown as Record<string, unknown>;
    for (const [field, kind] of [["path", "file"], ["uri", "remote"], ["text", "string"], ["assets", "archive"]] as const) {
        if (fields[field] === undefined) {
            continue;
        }
        const resolved = await fields[field];
        const label = `${kind}${pulumi.asset.Archive.isInstance(value) ? "Archive" : "Asset"}`;
        if (field === "text") {
            // The text itself may be long or sensitive: its size and a hash show whether it changed.
            const text = String(resolved);
            const { createHash } = await import("crypto");
            return { [label]: `${text.length} characters, sha256 ${createHash("sha256").update(text).digest("hex").slice(0, 12)}` };
        }
        if (field === "assets") {
            const assets = resolved as Record<string, unknown>;
            const described = await Promise.all(Object.keys(assets).sort().map(async (key) => [key, await plain(assets[key])] as const));
            return { assetArchive: Object.fromEntries(described) };
        }
        return { [label]: resolved };
    }
    return { asset: "[unknown kind]" };
}
