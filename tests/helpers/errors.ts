/**
 * What a component's constructor threw: the message, and whether it is the pulumi.ResourceError that
 * every component uses for bad arguments.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ThrownError {
    readonly message: string;
    readonly isResourceError: boolean;
}

/** Runs `build`, which must throw, and describes what it threw. */
export function errorOf(build: () => unknown): ThrownError {
    try {
        build();
    } catch (error) {
        return { message: (error as Error).message, isResourceError: pulumi.ResourceError.isInstance(error) };
    }
    throw new Error("no error was thrown");
}
