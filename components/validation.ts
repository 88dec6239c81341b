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

/** An Entra (Azure AD) object or tenant id: a GUID in its usual 8-4-4-4-12 hexadecimal form. */
const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The problem with an object or tenant id, or undefined when it is a GUID. */
export function guidProblem(value: string): string | undefined {
    return GUID_PATTERN.test(value) ? undefined : "must be a GUID such as 00000000-0000-0000-0000-000000000000";
}

/**
 * An OpenSSH public key line: the key type, the base64 key, an optional comment. The key types are the
 * ones OpenSSH writes to `*.pub` (RSA, Ed25519 and the NIST ECDSA curves).
 */
const SSH_PUBLIC_KEY_PATTERN =
    /^(?:ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)) [A-Za-z0-9+/]+={0,3}(?: [^\r\n]*)?$/;

/**
 * True when a value meant to be a public key is a private key: it must then not be echoed in an error
 * message, which CI logs keep.
 */
export function isPrivateKeyText(value: string): boolean {
    return /PRIVATE KEY/.test(value);
}

/** The problem with an SSH public key, or undefined when it is an OpenSSH public key line. */
export function sshPublicKeyProblem(key: string): string | undefined {
    return SSH_PUBLIC_KEY_PATTERN.test(key.trim())
        ? undefined
        : "must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*)";
}

const ARM_SEGMENT = "[^/\\s]+";
const SUBSCRIPTION_PREFIX = `^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/resourceGroups/${ARM_SEGMENT}/providers/`;

/** ARM resource ids compare case-insensitively, so the patterns do too. */
const SUBNET_ID_PATTERN = new RegExp(
    `${SUBSCRIPTION_PREFIX}Microsoft\\.Network/virtualNetworks/${ARM_SEGMENT}/subnets/${ARM_SEGMENT}$`, "i");
const WORKSPACE_ID_PATTERN = new RegExp(
    `${SUBSCRIPTION_PREFIX}Microsoft\\.MachineLearningServices/workspaces/${ARM_SEGMENT}$`, "i");

/** The problem with a subnet id, or undefined when it is shaped like a subnet's ARM resource id. */
export function subnetIdProblem(id: string): string | undefined {
    return SUBNET_ID_PATTERN.test(id)
        ? undefined
        : "must be a subnet's ARM resource id (/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>)";
}

/** The problem with a workspace id, or undefined when it is shaped like an Azure ML workspace's ARM id. */
export function workspaceIdProblem(id: string): string | undefined {
    return WORKSPACE_ID_PATTERN.test(id)
        ? undefined
        : "must be an Azure ML workspace's ARM resource id (/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.MachineLearningServices/workspaces/<name>)";
}

/** The subscription id inside an ARM resource id, or undefined when the id has none. */
export function subscriptionIdOf(resourceId: string): string | undefined {
    return /^\/subscriptions\/([^/]+)\//i.exec(resourceId)?.[1];
}

/** The five fields of a cron expression and the values each takes (Azure's compute schedules, NCrontab). */
const CRON_FIELDS = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day of month", min: 1, max: 31 },
    { name: "month", min: 1, max: 12 },
    { name: "day of week", min: 0, max: 6 },
] as const;

/** One element of a cron field: `*`, `n`, `a-b`, optionally with a step `/s` after `*` or a range. */
const CRON_ELEMENT = /^(?:(\*)|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/;

/**
 * The problem with a compute schedule's cron expression, or undefined when Azure accepts it: five
 * fields (minute, hour, day of month, month, day of week with Sunday = 0), each `*` or a list of numbers
 * and ranges, with optional steps. Names such as MON or JAN are not accepted here.
 */
export function cronExpressionProblem(expression: string): string | undefined {
    const fields = expression.trim().split(/\s+/);
    if (expression.trim() === "" || fields.length !== CRON_FIELDS.length) {
        return 'must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 18 * * 1-5"';
    }
    for (const [index, field] of fields.entries()) {
        const { name, min, max } = CRON_FIELDS[index];
        for (const element of field.split(",")) {
            const match = CRON_ELEMENT.exec(element);
            const isStepOfSingle = match !== null && match[2] !== undefined && match[3] === undefined && match[4] !== undefined;
            if (!match || isStepOfSingle) {
                return `has ${name} "${field}", which is not '*', a number, a range (a-b), a list (a,b) or a step (*/n, a-b/n)`;
            }
            const [, , from, to, step] = match;
            for (const value of [from, to].filter((v): v is string => v !== undefined).map(Number)) {
                if (value < min || value > max) {
                    return `has ${name} ${value} outside ${min}-${max}`;
                }
            }
            if (from !== undefined && to !== undefined && Number(from) > Number(to)) {
                return `has ${name} range ${from}-${to} running backwards`;
            }
            if (step !== undefined && Number(step) < 1) {
                return `has ${name} step ${step}; a step must be at least 1`;
            }
        }
    }
    return undefined;
}

/**
 * Windows time zone ids, the form Azure's compute schedules take ("UTC", "W. Europe Standard Time",
 * "UTC-11"): letters, digits, spaces, '.', '+', '-'. IANA ids ("Europe/Berlin") have a '/' and fail.
 */
const WINDOWS_TIME_ZONE_PATTERN = /^[A-Za-z][A-Za-z0-9 .+-]{0,63}$/;

/** The problem with a schedule time zone, or undefined when it is shaped like a Windows time zone id. */
export function windowsTimeZoneProblem(timeZone: string): string | undefined {
    return WINDOWS_TIME_ZONE_PATTERN.test(timeZone) && timeZone.trim() === timeZone
        ? undefined
        : "must be a Windows time zone id such as UTC or W. Europe Standard Time (IANA ids such as Europe/Berlin are not accepted)";
}

/** The problem with a cluster's idle time before scale down, or undefined when it is a positive duration. */
export function scaleDownIdleTimeProblem(duration: string): string | undefined {
    const minutes = durationMinutes(duration);
    return minutes !== undefined && minutes > 0
        ? undefined
        : "must be an ISO 8601 duration longer than zero, such as PT2M or PT30M";
}

/**
 * Reports one problem with a component's arguments, in words and without the component's name.
 * Validators take one so that the same checks serve a component (a ResourceError) and the stack's
 * config (a RunError, checked before any resource is registered).
 */
export type ReportProblem = (message: string) => never;

/** Carries a validator's problem out of it; never escapes {@link firstProblem}. */
class ArgsProblem extends Error {}

/** Runs a validator and returns its problem, or undefined when the arguments are fine. */
export function firstProblem(validate: (report: ReportProblem) => unknown): string | undefined {
    try {
        validate((message) => {
            throw new ArgsProblem(message);
        });
        return undefined;
    } catch (error) {
        if (error instanceof ArgsProblem) {
            return error.message;
        }
        throw error;
    }
}
