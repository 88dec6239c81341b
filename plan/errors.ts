/**
 * The plan's two kinds of expected failure. Both are told apart by name, not by class: a test loads the
 * program (and so program.ts) in a module registry of its own, where the classes are other copies.
 */

/** A problem with the plan's input (option, stack, config, base plan): one line, exit status 1. */
export class PlanError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanError";
    }
}

/**
 * The program failed. `userFacing` errors (a pulumi.RunError from config validation, a ResourceError
 * from a component) are the program's own message to its user: printed without a stack trace.
 */
export class ProgramError extends Error {
    constructor(message: string, readonly userFacing: boolean, readonly detail?: string) {
        super(message);
        this.name = "ProgramError";
    }
}

export function isPlanError(error: unknown): error is PlanError {
    return error instanceof Error && error.name === "PlanError";
}

export function isProgramError(error: unknown): error is ProgramError {
    return error instanceof Error && error.name === "ProgramError" && typeof (error as ProgramError).userFacing === "boolean";
}
