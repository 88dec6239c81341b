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

/** Runs index.ts with the given raw config (over none: pass BASE_CONFIG to start from the dev stack). */
export async function runProgram(config: Record<string, string>, preview = false): Promise<ProgramRun> {
    let run: ProgramRun | undefined;
    await jest.isolateModulesAsync(async () => {
        const pulumi: typeof PulumiModule = await import("@pulumi/pulumi");
        const { installEngineDouble } = await import("../../plan/engineDouble");
        const record = await installEngineDouble({ project: PROJECT, stack: STACK, config, preview });
        const program: Record<string, unknown> = await import("../../index");
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(program)) {
            outputs[key] = pulumi.Output.isInstance(value) ? await promiseOf(value) : value;
        }
        await pulumi.runtime.disconnect();
        run = { record, outputs };
    });
    return run as ProgramRun;
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
        const pulumi: typeof PulumiModule = await import("@pulumi/pulumi");
        const { installEngineDouble } = await import("../../plan/engineDouble");
        const record = await installEngineDouble({ project: PROJECT, stack: STACK, config });
        try {
            await import("../../index");
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
