/**
 * Rules for the settings the components accept, as pure checks that return the problem in words.
 *
 * Config validation (config.ts) turns a problem into a pulumi.RunError, a component into a
 * pulumi.ResourceError: the same rule and the same words either way.
 */

/** Azure VM size names look like `Standard_DS11_v2` or `Basic_A0`; a fixed list would go stale. */
const VM_SIZE_PATTERN = /^(Standard|Basic)_[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/;

/** Azure region names as ARM uses them: lowercase letters and digits, e.g. `westeurope`, `eastus2`. */
const REGION_PATTERN = /^[a-z]+[a-z0-9]*$/;

/** The ISO 8601 durations Azure ML takes: days, hours, minutes and seconds (no years, months or weeks). */
const DURATION_PATTERN = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export const IDLE_SHUTDOWN_MINUTES = { min: 15, max: 3 * 24 * 60 } as const;

/** Minutes in an ISO 8601 duration such as `PT60M` or `P1DT2H`, or undefined when it is not one. */
export function durationMinutes(duration: string): number | undefined {
    const match = DURATION_PATTERN.exec(duration);
    if (!match || duration === "P" || duration.endsWith("T")) {
        return undefined;
    }
    const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
    return days * 24 * 60 + hours * 60 + minutes + seconds / 60;
}

/** The problem with an idle-shutdown duration, or undefined when Azure accepts it. */
export function idleShutdownProblem(duration: string): string | undefined {
    const minutes = durationMinutes(duration);
    if (minutes === undefined) {
        return "must be an ISO 8601 duration such as PT60M or P1D";
    }
    if (minutes < IDLE_SHUTDOWN_MINUTES.min || minutes > IDLE_SHUTDOWN_MINUTES.max) {
        return "must be between 15 minutes (PT15M) and 3 days (P3D)";
    }
    return undefined;
}

/** The problem with a VM size name, or undefined when it is shaped like one. */
export function vmSizeProblem(vmSize: string): string | undefined {
    return VM_SIZE_PATTERN.test(vmSize)
        ? undefined
        : "must be an Azure VM size name such as Standard_DS11_v2";
}

/** The problem with a region name, or undefined when it is shaped like one. */
export function regionProblem(region: string): string | undefined {
    return REGION_PATTERN.test(region)
        ? undefined
        : "must be an Azure region name in lowercase letters and digits, such as westeurope or eastus2";
}

/** The problem with an integer setting, or undefined when it lies within [min, max]. */
export function integerRangeProblem(value: number, min: number, max: number): string | undefined {
    return Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : `must be a whole number from ${min} to ${max}`;
}
