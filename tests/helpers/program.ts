/**
 * Runs the real Pulumi program (index.ts) against the engine double, in a fresh module registry so
 * that each run has its own Pulumi runtime, config and record.
 */
import type * as PulumiModule from "@pulumi/pulumi";
import type { EngineRecord, RegisteredResource } from "../../plan/engineDouble";

export const PROJECT = "dp100-lab";
export const STACK = "dev";

/** The config every lab test starts from: the dev stack's region and nothing else. */
export const BASE_CONFIG: Record<string, string> = { "azure-native:location": "westeurope" };

export interface ProgramRun {
    readonly record: EngineRecord;
    /** The stack outputs, resolved. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Runs index.ts with the given raw config (over none: pass BASE_CONFIG to start from the dev stack).
 * Dynamic providers' code is not serialized unless asked (about a second per run); the purge's own
 * tests ask.
 */
export async function runProgram(
    config: Record<string, string>,
    options: { preview?: boolean; serializeDynamicProviders?: boolean } = {},
): Promise<ProgramRun> {
    let run: ProgramRun | undefined;
    await jest.isolateModulesAsync(async () => {
        // A require, not an import(): a CommonJS module under node16 resolution, and jest's
        // module registry decides what it loads.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumi: typeof PulumiModule = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { installEngineDouble } = require("../../plan/engineDouble") as typeof import("../../plan/engineDouble");
        const record = await installEngineDouble({
            project: PROJECT,
            stack: STACK,
            config,
            preview: options.preview ?? false,
            serializeDynamicProviders: options.serializeDynamicProviders ?? false,
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const program: Record<string, unknown> = require("../../index") as typeof import("../../index");
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(program)) {
            outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
        }
        await pulumi.runtime.disconnect();
        run = { record, outputs };
    });
    return run as ProgramRun;
}

/**
 * Runs the program (stack.ts, what index.ts runs) once per config, one after another in one fresh
 * module registry: a run's registrations all reach its own record before the next run starts
 * (`disconnect` waits for them), and loading the modules once saves about a second a run.
 */
export async function runPrograms(configs: Array<Record<string, string>>): Promise<ProgramRun[]> {
    const runs: ProgramRun[] = [];
    await jest.isolateModulesAsync(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumi: typeof PulumiModule = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { installEngineDouble } = require("../../plan/engineDouble") as typeof import("../../plan/engineDouble");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { defineLabStack, labStackOutputs } = require("../../stack") as typeof import("../../stack");
        for (const config of configs) {
            const record = await installEngineDouble({ project: PROJECT, stack: STACK, config, serializeDynamicProviders: false });
            const outputs: Record<string, unknown> = {};
            const stackOutputs: Record<string, unknown> = labStackOutputs(defineLabStack());
            for (const [key, value] of Object.entries(stackOutputs)) {
                outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
            }
            await pulumi.runtime.disconnect();
            runs.push({ record, outputs });
        }
    });
    return runs;
}

/** How a failed run failed: the error, its Pulumi kind, and what was registered before it. */
export interface FailedRun {
    readonly error: Error;
    readonly kind: "RunError" | "ResourceError" | "other";
    readonly record: EngineRecord;
}

/** Runs index.ts expecting it to fail. */
export async function runProgramExpectingError(config: Record<string, string>): Promise<FailedRun> {
    let result: FailedRun | undefined;
    await jest.isolateModulesAsync(async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumi: typeof PulumiModule = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { installEngineDouble } = require("../../plan/engineDouble") as typeof import("../../plan/engineDouble");
        const record = await installEngineDouble({ project: PROJECT, stack: STACK, config });
        try {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require("../../index");
        } catch (error) {
            const kind = pulumi.RunError.isInstance(error)
                ? "RunError"
                : pulumi.ResourceError.isInstance(error) ? "ResourceError" : "other";
            result = { error: error as Error, kind, record };
            return;
        }
        throw new Error("the program ran without error");
    });
    return result as FailedRun;
}

/** The value of an Output, awaited (an `expect` inside `apply` can pass without running). */
export function promiseOf<T>(output: PulumiModule.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** The Azure resources of a record: everything provider-managed that is not @pulumi/random. */
export function azureResources(record: EngineRecord): RegisteredResource[] {
    return record.resources.filter((resource) => resource.type.startsWith("azure-native:"));
}

/** The one registered resource of a type, failing clearly when there is not exactly one. */
export function single(record: EngineRecord, type: string): RegisteredResource {
    const found = record.resources.filter((resource) => resource.type === type);
    if (found.length !== 1) {
        throw new Error(`expected one ${type}, found ${found.length}`);
    }
    return found[0];
}
