import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import { isValidName, NAME_RULES } from "./naming";
import {
    firstProblem,
    ReportProblem,
    cronExpressionProblem,
    guidProblem,
    idleShutdownProblem,
    integerRangeProblem,
    isPrivateKeyText,
    sshPublicKeyProblem,
    subnetIdProblem,
    vmSizeProblem,
    windowsTimeZoneProblem,
} from "./validation";

/** What a schedule does to the instance. */
export const ComputeScheduleAction = {
    /** Starts the instance. */
    Start: "Start",
    /** Stops the instance. */
    Stop: "Stop",
} as const;
export type ComputeScheduleAction = (typeof ComputeScheduleAction)[keyof typeof ComputeScheduleAction];

/** How often a recurrence schedule repeats. */
export const ComputeScheduleFrequency = {
    /** Every `interval` days. */
    Day: "Day",
    /** Every `interval` weeks, on the given `weekDays`. */
    Week: "Week",
} as const;
export type ComputeScheduleFrequency = (typeof ComputeScheduleFrequency)[keyof typeof ComputeScheduleFrequency];

/** A day of the week for a weekly recurrence. */
export const ComputeScheduleWeekDay = {
    Monday: "Monday",
    Tuesday: "Tuesday",
    Wednesday: "Wednesday",
    Thursday: "Thursday",
    Friday: "Friday",
    Saturday: "Saturday",
    Sunday: "Sunday",
} as const;
export type ComputeScheduleWeekDay = (typeof ComputeScheduleWeekDay)[keyof typeof ComputeScheduleWeekDay];

/** A recurrence (Logic Apps style): at the given hours and minutes, every `interval` days or weeks. */
export interface ComputeInstanceRecurrence {
    /** Required. `Day` or `Week`. */
    readonly frequency: ComputeScheduleFrequency;
    /** Optional. Every how many days (1-500) or weeks (1-71), Logic Apps' limits. Defaults to 1. */
    readonly interval?: number;
    /** Required. The hours (0-23) at which the schedule fires; at least one. */
    readonly hours: number[];
    /** Required. The minutes (0-59) past each hour at which the schedule fires; at least one. */
    readonly minutes: number[];
    /**
     * Conditional. The days a weekly schedule fires: required, and only allowed, with frequency `Week`.
     * Defaults to none.
     */
    readonly weekDays?: ComputeScheduleWeekDay[];
}

/** One start or stop schedule of a compute instance: either a cron expression or a recurrence. */
export interface ComputeInstanceSchedule {
    /** Required. `Start` or `Stop`. */
    readonly action: ComputeScheduleAction;
    /**
     * Conditional. A 5-field cron expression (minute hour day-of-month month day-of-week, Sunday = 0),
     * e.g. `0 18 * * 1-5`; numbers, `*`, ranges, lists and steps. Exactly one of `cron` and `recurrence`.
     */
    readonly cron?: string;
    /** Conditional. A recurrence instead of a cron expression. Exactly one of `cron` and `recurrence`. */
    readonly recurrence?: ComputeInstanceRecurrence;
    /**
     * Optional. The Windows time zone id the times are in, e.g. `W. Europe Standard Time` (not an IANA id
     * such as `Europe/Berlin`). Defaults to `UTC`.
     */
    readonly timeZone?: string;
}

/** Arguments of {@link ComputeInstance}. */
export interface ComputeInstanceArgs {
    /** Required. The resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The workspace the instance belongs to. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. The region, which must be the workspace's. */
    readonly location: pulumi.Input<string>;
    /**
     * Required. The instance name: 3-24 letters, digits and `-`, starting with a letter, unique in the
     * Azure region (so derive it with a random suffix).
     */
    readonly computeInstanceName: pulumi.Input<string>;
    /** Optional. The VM size. Defaults to `Standard_DS11_v2` (the lab's CPU size). */
    readonly vmSize?: string;
    /**
     * Optional. Idle time before the instance shuts itself down, an ISO 8601 duration from `PT15M` to
     * `P3D`. Cannot be combined with `disableIdleShutdown`. Defaults to `PT60M`.
     */
    readonly idleTimeBeforeShutdown?: string;
    /**
     * Optional. Keeps the instance running when idle, which costs money until someone stops it.
     * Cannot be combined with `idleTimeBeforeShutdown`. Defaults to false.
     */
    readonly disableIdleShutdown?: boolean;
    /**
     * Conditional. The Entra object id (a GUID) of the user the instance is assigned to; set together with
     * `assignedUserTenantId`. An instance belongs to whoever creates it, so when a pipeline or service
     * principal deploys, a person can only use the instance if it is assigned to them. Defaults to none
     * (the instance is the deploying identity's).
     */
    readonly assignedUserObjectId?: pulumi.Input<string>;
    /**
     * Conditional. The Entra tenant id (a GUID) of the assigned user; set together with
     * `assignedUserObjectId`. Defaults to none.
     */
    readonly assignedUserTenantId?: pulumi.Input<string>;
    /**
     * Optional. A bash script the instance runs once, when it is created, given as text. Stored in the
     * stack's state and in Azure, so keep secrets out of it; line endings become LF. Cannot be combined
     * with `setupScriptFile`. Defaults to none.
     */
    readonly setupScriptInline?: string;
    /**
     * Optional. The path of a bash script the instance runs once, when it is created. The file is read
     * when the program runs (a relative path resolves against the Pulumi project directory) and sent
     * inline, so editing it replaces the instance. Cannot be combined with `setupScriptInline`.
     * Defaults to none.
     */
    readonly setupScriptFile?: string;
    /**
     * Conditional. Minutes the setup script may run (1-25, Azure's limit); only with `setupScriptInline`
     * or `setupScriptFile`. Defaults to Azure's own timeout (the property is left out).
     */
    readonly setupScriptTimeoutMinutes?: number;
    /**
     * Optional. An OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*) for the `azureuser` account.
     * Setting it opens SSH (port 50000) on the instance, reachable from the internet unless the instance
     * is in a subnet whose network security group says otherwise. Defaults to none: SSH stays disabled.
     */
    readonly sshPublicKey?: string;
    /**
     * Optional. Start and stop schedules, at most 4 (Azure's limit). They add to idle shutdown.
     * Defaults to none.
     */
    readonly schedules?: ComputeInstanceSchedule[];
    /**
     * Optional. The ARM id of an existing subnet to put the instance in, in the workspace's region.
     * Defaults to none: no virtual network, and a public node IP (the lab's accepted exception).
     */
    readonly subnetId?: pulumi.Input<string>;
    /**
     * Optional. Gives the instance no public IP, so it is reachable only from its virtual network. Azure
     * accepts it only with `subnetId`, or in a workspace with managed network isolation (which this
     * component cannot see, so Azure judges that case). Defaults to false.
     */
    readonly disableNodePublicIp?: boolean;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const COMPUTE_INSTANCE_DEFAULTS = {
    vmSize: "Standard_DS11_v2",
    idleTimeBeforeShutdown: "PT60M",
    disableIdleShutdown: false,
    scheduleTimeZone: "UTC",
    recurrenceInterval: 1,
    disableNodePublicIp: false,
} as const;

/** Azure's and Logic Apps' limits on the instance's options. */
export const COMPUTE_INSTANCE_LIMITS = {
    schedules: 4,
    setupScriptTimeoutMinutes: { min: 1, max: 25 },
    /** Logic Apps recurrence limits, which Azure's compute schedules follow. */
    recurrenceInterval: { Day: 500, Week: 71 },
} as const;

/**
 * How long creating or deleting an instance may take before Pulumi gives up: Azure usually needs
 * 4-8 minutes to create one and a few to delete it; the margin absorbs a slow region.
 */
export const COMPUTE_INSTANCE_TIMEOUTS = { create: "30m", update: "30m", delete: "20m" } as const;

/**
 * One Azure ML compute instance. By default as the lab sets it up: CPU, no SSH, no virtual network, not
 * assigned to another user, no setup script, no schedules, no managed identity, applications visible to
 * its owner only, and an idle shutdown so that a forgotten instance stops costing money.
 *
 * Without a virtual network the instance keeps a public node IP; with SSH off nothing listens on it
 * for the public, and this is the lab's accepted exception (a subnet needs a VNet the lab does not have).
 * An instance belongs to whoever creates it: deployed by a pipeline identity, it is that identity's
 * unless `assignedUserObjectId` and `assignedUserTenantId` assign it to a person.
 *
 * Azure fixes an instance's settings when it is created, so changing any option (schedules and the
 * setup script included) replaces the instance, and the files on its disk go with it.
 */
export class ComputeInstance extends pulumi.ComponentResource {
    /** The instance name. */
    public readonly computeInstanceName: pulumi.Output<string>;
    /** The instance's ARM resource id (`<workspace id>/computes/<name>`). */
    public readonly computeId: pulumi.Output<string>;
    /** The instance resource itself, for resources that must depend on it. */
    public readonly compute: ml.Compute;

    constructor(name: string, args: ComputeInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:ComputeInstance", name, {}, opts);
        const { setupScript } = validateComputeInstanceArgs(args, (message) => {
            throw new pulumi.ResourceError(`ComputeInstance: ${message}`, this);
        });

        const vmSize = args.vmSize ?? COMPUTE_INSTANCE_DEFAULTS.vmSize;
        const idleTime = args.disableIdleShutdown
            ? undefined
            : (args.idleTimeBeforeShutdown ?? COMPUTE_INSTANCE_DEFAULTS.idleTimeBeforeShutdown);
        const sshPublicKey = args.sshPublicKey?.trim();
        const assignedUser =
            args.assignedUserObjectId !== undefined && args.assignedUserTenantId !== undefined
                ? { objectId: args.assignedUserObjectId, tenantId: args.assignedUserTenantId }
                : undefined;
        const schedules = args.schedules && args.schedules.length > 0 ? args.schedules.map(toAzureSchedule) : undefined;
        const disableNodePublicIp = args.disableNodePublicIp ?? COMPUTE_INSTANCE_DEFAULTS.disableNodePublicIp;

        this.compute = new ml.Compute(`${name}-instance`, {
            resourceGroupName: args.resourceGroupName,
            workspaceName: args.workspaceName,
            computeName: args.computeInstanceName,
            location: args.location,
            properties: {
                computeType: "ComputeInstance",
                properties: {
                    vmSize,
                    sshSettings: sshPublicKey
                        ? { sshPublicAccess: ml.SshPublicAccess.Enabled, adminPublicKey: sshPublicKey }
                        : { sshPublicAccess: ml.SshPublicAccess.Disabled },
                    applicationSharingPolicy: ml.ApplicationSharingPolicy.Personal,
                    computeInstanceAuthorizationType: ml.ComputeInstanceAuthorizationType.Personal,
                    ...(idleTime !== undefined ? { idleTimeBeforeShutdown: idleTime } : {}),
                    // Each option below adds its property only when set, so the lab's defaults stay as they were.
                    ...(assignedUser ? { personalComputeInstanceSettings: { assignedUser } } : {}),
                    ...(setupScript !== undefined
                        ? { setupScripts: { scripts: { creationScript: inlineScript(setupScript, args.setupScriptTimeoutMinutes) } } }
                        : {}),
                    ...(schedules ? { schedules: { computeStartStop: schedules } } : {}),
                    ...(args.subnetId !== undefined ? { subnet: { id: args.subnetId } } : {}),
                    ...(disableNodePublicIp ? { enableNodePublicIp: false } : {}),
                },
            },
        }, {
            parent: this,
            // A component's dependsOn does not reach its children by itself; the instance must wait for
            // it (e.g. the workspace's purge resource, so that a destroy deletes the instance first).
            dependsOn: opts?.dependsOn,
            // Azure fixes an instance's settings at creation: a change means a new instance, and the
            // name is fixed, so the old one goes first.
            replaceOnChanges: ["properties"],
            deleteBeforeReplace: true,
            customTimeouts: COMPUTE_INSTANCE_TIMEOUTS,
        });

        this.computeInstanceName = this.compute.name;
        this.computeId = this.compute.id;
        this.registerOutputs({ computeInstanceName: this.computeInstanceName, computeId: this.computeId });
    }
}

/**
 * A creation script sent inline: Azure takes the script base64-encoded in `scriptData` with
 * `scriptSource: "inline"`, and a timeout as minutes with an `m` suffix (ISO 8601 is refused).
 */
function inlineScript(script: string, timeoutMinutes: number | undefined): azureInputs.machinelearningservices.ScriptReferenceArgs {
    return {
        scriptSource: "inline",
        scriptData: Buffer.from(script, "utf8").toString("base64"),
        ...(timeoutMinutes !== undefined ? { timeout: `${timeoutMinutes}m` } : {}),
    };
}

/** One schedule in Azure's form (ComputeStartStopSchedule), always enabled. */
function toAzureSchedule(schedule: ComputeInstanceSchedule): azureInputs.machinelearningservices.ComputeStartStopScheduleArgs {
    const timeZone = schedule.timeZone ?? COMPUTE_INSTANCE_DEFAULTS.scheduleTimeZone;
    const common = { action: schedule.action, status: ml.ScheduleStatus.Enabled };
    if (schedule.cron !== undefined) {
        return { ...common, triggerType: ml.ComputeTriggerType.Cron, cron: { expression: schedule.cron.trim(), timeZone } };
    }
    const recurrence = schedule.recurrence as ComputeInstanceRecurrence;
    return {
        ...common,
        triggerType: ml.ComputeTriggerType.Recurrence,
        recurrence: {
            frequency: recurrence.frequency,
            interval: recurrence.interval ?? COMPUTE_INSTANCE_DEFAULTS.recurrenceInterval,
            timeZone,
            schedule: {
                hours: recurrence.hours,
                minutes: recurrence.minutes,
                ...(recurrence.weekDays !== undefined ? { weekDays: recurrence.weekDays } : {}),
            },
        },
    };
}

/** What validation resolved: the setup script's text (read from its file if need be), LF line endings. */
interface ValidatedComputeInstanceArgs {
    readonly setupScript: string | undefined;
}

/**
 * The first problem with the arguments (naming the argument, the value and the rule), or undefined:
 * what the constructor would refuse, for callers that check before building anything.
 */
export function computeInstanceArgsProblem(args: ComputeInstanceArgs): string | undefined {
    return firstProblem((report) => validateComputeInstanceArgs(args, report));
}

/**
 * Reports the first problem naming the argument, the value and the rule, before any child exists:
 * combinations first, then each value.
 */
function validateComputeInstanceArgs(args: ComputeInstanceArgs, fail: ReportProblem): ValidatedComputeInstanceArgs {
    const check = (arg: string, value: unknown, problem: string | undefined): void => {
        if (problem) {
            fail(`${arg} ${JSON.stringify(value)} ${problem}.`);
        }
    };

    if (args.disableIdleShutdown && args.idleTimeBeforeShutdown !== undefined) {
        fail("idleTimeBeforeShutdown and disableIdleShutdown cannot be combined: set one of them.");
    }
    if (args.setupScriptInline !== undefined && args.setupScriptFile !== undefined) {
        fail("setupScriptInline and setupScriptFile cannot be combined: set one of them.");
    }
    if ((args.assignedUserObjectId === undefined) !== (args.assignedUserTenantId === undefined)) {
        const [set, unset] = args.assignedUserObjectId !== undefined
            ? ["assignedUserObjectId", "assignedUserTenantId"]
            : ["assignedUserTenantId", "assignedUserObjectId"];
        fail(`${set} is set but ${unset} is not: set both or neither.`);
    }
    if (args.setupScriptTimeoutMinutes !== undefined && args.setupScriptInline === undefined && args.setupScriptFile === undefined) {
        fail("setupScriptTimeoutMinutes needs a setup script: set setupScriptInline or setupScriptFile too.");
    }

    if (typeof args.computeInstanceName === "string" && !isValidName("computeInstance", args.computeInstanceName)) {
        fail(`computeInstanceName ${JSON.stringify(args.computeInstanceName)} is not a valid ${NAME_RULES.computeInstance.resource} name: ${NAME_RULES.computeInstance.description}.`);
    }
    if (args.vmSize !== undefined) {
        check("vmSize", args.vmSize, vmSizeProblem(args.vmSize));
    }
    if (args.idleTimeBeforeShutdown !== undefined) {
        check("idleTimeBeforeShutdown", args.idleTimeBeforeShutdown, idleShutdownProblem(args.idleTimeBeforeShutdown));
    }
    for (const arg of ["assignedUserObjectId", "assignedUserTenantId"] as const) {
        const value = args[arg];
        if (typeof value === "string") {
            check(arg, value, guidProblem(value));
        }
    }
    if (args.sshPublicKey !== undefined && isPrivateKeyText(args.sshPublicKey)) {
        fail("sshPublicKey holds a private key (it says PRIVATE KEY), which must stay secret: give the public key (the .pub file) instead.");
    }
    if (args.sshPublicKey !== undefined) {
        check("sshPublicKey", args.sshPublicKey, sshPublicKeyProblem(args.sshPublicKey));
    }
    if (typeof args.subnetId === "string") {
        check("subnetId", args.subnetId, subnetIdProblem(args.subnetId));
    }
    if (args.setupScriptTimeoutMinutes !== undefined) {
        const { min, max } = COMPUTE_INSTANCE_LIMITS.setupScriptTimeoutMinutes;
        check("setupScriptTimeoutMinutes", args.setupScriptTimeoutMinutes, integerRangeProblem(args.setupScriptTimeoutMinutes, min, max));
    }
    validateSchedules(args.schedules, fail);

    let setupScript = args.setupScriptInline;
    if (args.setupScriptFile !== undefined) {
        try {
            setupScript = fs.readFileSync(args.setupScriptFile, "utf8");
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
            fail(`setupScriptFile ${JSON.stringify(args.setupScriptFile)} must be a readable file (${code}).`);
        }
    }
    if (setupScript !== undefined && setupScript.trim() === "") {
        const arg = args.setupScriptFile !== undefined ? "setupScriptFile" : "setupScriptInline";
        const value = args.setupScriptFile ?? args.setupScriptInline;
        fail(`${arg} ${JSON.stringify(value)} must hold a script, not be empty.`);
    }
    // The instance runs the script with bash, which reads a CR before LF as part of the command.
    return { setupScript: setupScript?.replace(/\r\n/g, "\n") };
}

function validateSchedules(schedules: ComputeInstanceSchedule[] | undefined, fail: (message: string) => never): void {
    if (schedules === undefined) {
        return;
    }
    if (schedules.length > COMPUTE_INSTANCE_LIMITS.schedules) {
        fail(`schedules (${schedules.length} entries) must have at most ${COMPUTE_INSTANCE_LIMITS.schedules} entries, Azure's limit per instance.`);
    }
    const actions = Object.values(ComputeScheduleAction) as string[];
    const frequencies = Object.values(ComputeScheduleFrequency) as string[];
    const weekDays = Object.values(ComputeScheduleWeekDay) as string[];
    schedules.forEach((schedule, index) => {
        const at = `schedules[${index}]`;
        const check = (arg: string, value: unknown, problem: string | undefined): void => {
            if (problem) {
                fail(`${at}.${arg} ${value === undefined ? "(not set)" : JSON.stringify(value)} ${problem}.`);
            }
        };
        if (schedule.cron !== undefined && schedule.recurrence !== undefined) {
            fail(`${at} sets both cron and recurrence: set one of them.`);
        }
        if (schedule.cron === undefined && schedule.recurrence === undefined) {
            fail(`${at} needs cron or recurrence: set one of them.`);
        }
        check("action", schedule.action, actions.includes(schedule.action) ? undefined : `must be ${actions.join(" or ")}`);
        if (schedule.timeZone !== undefined) {
            check("timeZone", schedule.timeZone, windowsTimeZoneProblem(schedule.timeZone));
        }
        if (schedule.cron !== undefined) {
            check("cron", schedule.cron, cronExpressionProblem(schedule.cron));
        }
        const recurrence = schedule.recurrence;
        if (recurrence === undefined) {
            return;
        }
        check("recurrence.frequency", recurrence.frequency,
            frequencies.includes(recurrence.frequency) ? undefined : `must be ${frequencies.join(" or ")}`);
        if (recurrence.interval !== undefined) {
            const max = COMPUTE_INSTANCE_LIMITS.recurrenceInterval[recurrence.frequency];
            check("recurrence.interval", recurrence.interval, integerRangeProblem(recurrence.interval, 1, max));
        }
        const listProblem = (values: number[] | undefined, max: number): string | undefined =>
            !Array.isArray(values) || values.length === 0
                ? "must list at least one value"
                : values.every((value) => integerRangeProblem(value, 0, max) === undefined)
                    ? undefined
                    : `must list whole numbers from 0 to ${max}`;
        check("recurrence.hours", recurrence.hours, listProblem(recurrence.hours, 23));
        check("recurrence.minutes", recurrence.minutes, listProblem(recurrence.minutes, 59));
        if (recurrence.frequency === ComputeScheduleFrequency.Week) {
            const days = recurrence.weekDays;
            check("recurrence.weekDays", days,
                !Array.isArray(days) || days.length === 0
                    ? "must list at least one day when frequency is Week"
                    : days.every((day) => weekDays.includes(day)) ? undefined : `must list days from ${weekDays.join(", ")}`);
        } else if (recurrence.weekDays !== undefined) {
            fail(`${at}.recurrence.weekDays is only for frequency Week; a Day schedule fires every day: remove it.`);
        }
    });
}
