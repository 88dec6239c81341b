/**
 * ComputeInstance's options as the engine receives them: each option adds exactly its own Azure
 * property, the defaults add none, and bad arguments fail with one ResourceError before any child.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
    ComputeInstance,
    ComputeInstanceArgs,
    ComputeInstanceSchedule,
    COMPUTE_INSTANCE_DEFAULTS,
} from "../components/computeInstance";
import {
    cronExpressionProblem,
    guidProblem,
    sshPublicKeyProblem,
    subnetIdProblem,
    windowsTimeZoneProblem,
} from "../components/validation";
import { EngineRecord, installEngineDouble, RegisteredResource } from "../plan/engineDouble";
import { promiseOf } from "./helpers/program";
import { errorOf } from "./helpers/errors";

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({ project: "components", stack: "test", config: {} });
});

const base: ComputeInstanceArgs = {
    resourceGroupName: "rg",
    workspaceName: "ws",
    location: "westeurope",
    computeInstanceName: "ci-lab-a",
};
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKV7D6e1E4jj9YkE1vDrXKpA1oJK/DHC8DUcs4xAKirQ learner@example";
const OBJECT_ID = "4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b";
const TENANT_ID = "0f1e2d3c-4b5a-4968-8776-655443322110";
const SUBNET_ID =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-compute";

/** The settings the lab sends (tests/lab.test.ts asserts the same object on the lab's instance). */
const LAB_SETTINGS = {
    vmSize: "Standard_DS11_v2",
    sshSettings: { sshPublicAccess: "Disabled" },
    applicationSharingPolicy: "Personal",
    computeInstanceAuthorizationType: "personal",
    idleTimeBeforeShutdown: "PT60M",
};

let counter = 0;
/** Builds an instance and returns its registered Compute once the engine has it. */
async function build(override: Partial<ComputeInstanceArgs>): Promise<RegisteredResource> {
    const name = `ci${++counter}`;
    const instance = new ComputeInstance(name, { ...base, ...override });
    await promiseOf(instance.computeId);
    const found = record.resources.find((r) => r.name === `${name}-instance`);
    if (!found) {
        throw new Error(`${name}-instance was not registered`);
    }
    return found;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const settingsOf = (compute: RegisteredResource): Record<string, any> => (compute.inputs as any).properties.properties;

describe("defaults", () => {
    test("are the lab's settings: no property of any option appears", async () => {
        const compute = await build({});
        expect(compute.inputs).toEqual({
            resourceGroupName: "rg",
            workspaceName: "ws",
            computeName: "ci-lab-a",
            location: "westeurope",
            properties: { computeType: "ComputeInstance", properties: LAB_SETTINGS },
        });
        for (const absent of ["personalComputeInstanceSettings", "setupScripts", "schedules", "subnet", "enableNodePublicIp"]) {
            expect([absent, settingsOf(compute)[absent]]).toEqual([absent, undefined]);
        }
        expect(compute.options).toEqual({
            replaceOnChanges: ["properties"],
            deleteBeforeReplace: true,
            customTimeouts: { create: "30m", update: "30m", delete: "20m" },
        });
    });
});

describe("each option adds its own property and nothing else", () => {
    test("assigned user: personalComputeInstanceSettings.assignedUser with object and tenant id", async () => {
        const compute = await build({ assignedUserObjectId: OBJECT_ID, assignedUserTenantId: TENANT_ID });
        expect(settingsOf(compute)).toEqual({
            ...LAB_SETTINGS,
            personalComputeInstanceSettings: { assignedUser: { objectId: OBJECT_ID, tenantId: TENANT_ID } },
        });
    });

    test("assigned user from Outputs (e.g. the deployment's tenant) reaches the instance", async () => {
        const compute = await build({ assignedUserObjectId: pulumi.output(OBJECT_ID), assignedUserTenantId: pulumi.output(TENANT_ID) });
        expect(settingsOf(compute).personalComputeInstanceSettings).toEqual({ assignedUser: { objectId: OBJECT_ID, tenantId: TENANT_ID } });
    });

    test("inline setup script: an inline creation script, base64, no timeout unless given", async () => {
        const script = "#!/bin/bash\npip install mltable\n";
        const compute = await build({ setupScriptInline: script });
        expect(settingsOf(compute)).toEqual({
            ...LAB_SETTINGS,
            setupScripts: {
                scripts: { creationScript: { scriptSource: "inline", scriptData: Buffer.from(script).toString("base64") } },
            },
        });
    });

    test("setup script file: read at program time, CRLF made LF, timeout in Azure's minutes form", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ci-setup-"));
        const file = path.join(dir, "setup.sh");
        fs.writeFileSync(file, "#!/bin/bash\r\necho ready\r\n");
        const compute = await build({ setupScriptFile: file, setupScriptTimeoutMinutes: 10 });
        expect(settingsOf(compute).setupScripts).toEqual({
            scripts: {
                creationScript: {
                    scriptSource: "inline",
                    scriptData: Buffer.from("#!/bin/bash\necho ready\n").toString("base64"),
                    timeout: "10m",
                },
            },
        });
    });

    test("SSH key: SSH enabled with the key (trimmed); without it SSH stays disabled", async () => {
        const compute = await build({ sshPublicKey: `${SSH_KEY}\n` });
        expect(settingsOf(compute)).toEqual({
            ...LAB_SETTINGS,
            sshSettings: { sshPublicAccess: "Enabled", adminPublicKey: SSH_KEY },
        });
    });

    test("schedules: cron and recurrence map to computeStartStop entries, time zone UTC by default", async () => {
        const schedules: ComputeInstanceSchedule[] = [
            { action: "Stop", cron: "0 18 * * 1-5" },
            { action: "Start", cron: "30 7 * * 1-5", timeZone: "W. Europe Standard Time" },
            { action: "Stop", recurrence: { frequency: "Day", hours: [22], minutes: [0] } },
            {
                action: "Start",
                recurrence: { frequency: "Week", interval: 2, hours: [8], minutes: [0, 30], weekDays: ["Monday", "Thursday"] },
                timeZone: "Pacific Standard Time",
            },
        ];
        const compute = await build({ schedules });
        expect(settingsOf(compute)).toEqual({
            ...LAB_SETTINGS,
            schedules: {
                computeStartStop: [
                    { action: "Stop", status: "Enabled", triggerType: "Cron", cron: { expression: "0 18 * * 1-5", timeZone: "UTC" } },
                    { action: "Start", status: "Enabled", triggerType: "Cron", cron: { expression: "30 7 * * 1-5", timeZone: "W. Europe Standard Time" } },
                    {
                        action: "Stop",
                        status: "Enabled",
                        triggerType: "Recurrence",
                        recurrence: { frequency: "Day", interval: 1, timeZone: "UTC", schedule: { hours: [22], minutes: [0] } },
                    },
                    {
                        action: "Start",
                        status: "Enabled",
                        triggerType: "Recurrence",
                        recurrence: {
                            frequency: "Week",
                            interval: 2,
                            timeZone: "Pacific Standard Time",
                            schedule: { hours: [8], minutes: [0, 30], weekDays: ["Monday", "Thursday"] },
                        },
                    },
                ],
            },
        });
    });

    test("an empty schedule list sends no schedules", async () => {
        expect(settingsOf(await build({ schedules: [] }))).toEqual(LAB_SETTINGS);
    });

    test("subnet: subnet.id, the public node IP kept unless disabled", async () => {
        expect(settingsOf(await build({ subnetId: SUBNET_ID }))).toEqual({ ...LAB_SETTINGS, subnet: { id: SUBNET_ID } });
        expect(settingsOf(await build({ subnetId: SUBNET_ID, disableNodePublicIp: true }))).toEqual({
            ...LAB_SETTINGS,
            subnet: { id: SUBNET_ID },
            enableNodePublicIp: false,
        });
    });

    test("idle shutdown disabled together with other options still sends no idle time", async () => {
        const settings = settingsOf(await build({ disableIdleShutdown: true, sshPublicKey: SSH_KEY }));
        expect(settings).not.toHaveProperty("idleTimeBeforeShutdown");
        expect(settings.sshSettings).toEqual({ sshPublicAccess: "Enabled", adminPublicKey: SSH_KEY });
    });
});

test("the defaults object names what the lab documents", () => {
    expect(COMPUTE_INSTANCE_DEFAULTS).toEqual({
        vmSize: "Standard_DS11_v2",
        idleTimeBeforeShutdown: "PT60M",
        disableIdleShutdown: false,
        scheduleTimeZone: "UTC",
        recurrenceInterval: 1,
        disableNodePublicIp: false,
    });
});


const missingFile = path.join(os.tmpdir(), "no-such-dir-ci", "setup.sh");
const emptyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ci-empty-")), "empty.sh");
fs.writeFileSync(emptyFile, "\n");
const cronAt = (cron: string): ComputeInstanceSchedule[] => [{ action: "Stop", cron }];
const stop = { action: "Stop", cron: "0 18 * * *" } as const;

describe("bad arguments fail with one ResourceError and no child", () => {
    test.each<[string, Partial<ComputeInstanceArgs>, string]>([
        ["both setup scripts", { setupScriptInline: "echo", setupScriptFile: "setup.sh" },
            "ComputeInstance: setupScriptInline and setupScriptFile cannot be combined: set one of them."],
        ["object id without tenant", { assignedUserObjectId: OBJECT_ID },
            "ComputeInstance: assignedUserObjectId is set but assignedUserTenantId is not: set both or neither."],
        ["tenant without object id", { assignedUserTenantId: TENANT_ID },
            "ComputeInstance: assignedUserTenantId is set but assignedUserObjectId is not: set both or neither."],
        ["timeout without script", { setupScriptTimeoutMinutes: 5 },
            "ComputeInstance: setupScriptTimeoutMinutes needs a setup script: set setupScriptInline or setupScriptFile too."],
        ["object id shape", { assignedUserObjectId: "alice", assignedUserTenantId: TENANT_ID },
            'ComputeInstance: assignedUserObjectId "alice" must be a GUID such as 00000000-0000-0000-0000-000000000000.'],
        ["tenant id shape", { assignedUserObjectId: OBJECT_ID, assignedUserTenantId: "contoso.onmicrosoft.com" },
            'ComputeInstance: assignedUserTenantId "contoso.onmicrosoft.com" must be a GUID such as 00000000-0000-0000-0000-000000000000.'],
        ["ssh key", { sshPublicKey: "abc" },
            'ComputeInstance: sshPublicKey "abc" must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*).'],
        ["private key instead of public", { sshPublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----" },
            "ComputeInstance: sshPublicKey holds a private key (it says PRIVATE KEY), which must stay secret: give the public key (the .pub file) instead."],
        ["subnet id", { subnetId: "snet-compute" },
            `ComputeInstance: subnetId "snet-compute" must be a subnet's ARM resource id (/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>).`],
        ["timeout range", { setupScriptInline: "echo", setupScriptTimeoutMinutes: 30 },
            "ComputeInstance: setupScriptTimeoutMinutes 30 must be a whole number from 1 to 25."],
        ["empty inline script", { setupScriptInline: "  \n" },
            'ComputeInstance: setupScriptInline "  \\n" must hold a script, not be empty.'],
        ["unreadable script file", { setupScriptFile: missingFile },
            `ComputeInstance: setupScriptFile ${JSON.stringify(missingFile)} must be a readable file (ENOENT).`],
        ["script file is a directory", { setupScriptFile: os.tmpdir() },
            `ComputeInstance: setupScriptFile ${JSON.stringify(os.tmpdir())} must be a readable file (EISDIR).`],
        ["empty script file", { setupScriptFile: emptyFile },
            `ComputeInstance: setupScriptFile ${JSON.stringify(emptyFile)} must hold a script, not be empty.`],
        ["five schedules", { schedules: [stop, stop, stop, stop, stop] },
            "ComputeInstance: schedules (5 entries) must have at most 4 entries, Azure's limit per instance."],
        ["cron and recurrence", { schedules: [{ action: "Stop", cron: "0 18 * * *", recurrence: { frequency: "Day", hours: [18], minutes: [0] } }] },
            "ComputeInstance: schedules[0] sets both cron and recurrence: set one of them."],
        ["neither cron nor recurrence", { schedules: [stop, { action: "Start" }] },
            "ComputeInstance: schedules[1] needs cron or recurrence: set one of them."],
        ["action", { schedules: [{ ...stop, action: "stop" as "Stop" }] },
            'ComputeInstance: schedules[0].action "stop" must be Start or Stop.'],
        ["cron fields", { schedules: cronAt("0 18 * *") },
            'ComputeInstance: schedules[0].cron "0 18 * *" must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 18 * * 1-5".'],
        ["cron hour", { schedules: cronAt("0 24 * * *") },
            'ComputeInstance: schedules[0].cron "0 24 * * *" has hour 24 outside 0-23.'],
        ["cron day names", { schedules: cronAt("0 18 * * MON") },
            `ComputeInstance: schedules[0].cron "0 18 * * MON" has day of week "MON", which is not '*', a number, a range (a-b), a list (a,b) or a step (*/n, a-b/n).`],
        ["time zone", { schedules: [{ ...stop, timeZone: "Europe/Berlin" }] },
            'ComputeInstance: schedules[0].timeZone "Europe/Berlin" must be a Windows time zone id such as UTC or W. Europe Standard Time (IANA ids such as Europe/Berlin are not accepted).'],
        ["frequency", { schedules: [{ action: "Stop", recurrence: { frequency: "Hour" as "Day", hours: [1], minutes: [0] } }] },
            'ComputeInstance: schedules[0].recurrence.frequency "Hour" must be Day or Week.'],
        ["weekly interval", { schedules: [{ action: "Stop", recurrence: { frequency: "Week", interval: 72, hours: [1], minutes: [0], weekDays: ["Friday"] } }] },
            "ComputeInstance: schedules[0].recurrence.interval 72 must be a whole number from 1 to 71."],
        ["no hours", { schedules: [{ action: "Stop", recurrence: { frequency: "Day", hours: [], minutes: [0] } }] },
            "ComputeInstance: schedules[0].recurrence.hours [] must list at least one value."],
        ["minute 60", { schedules: [{ action: "Stop", recurrence: { frequency: "Day", hours: [1], minutes: [60] } }] },
            "ComputeInstance: schedules[0].recurrence.minutes [60] must list whole numbers from 0 to 59."],
        ["week without days", { schedules: [{ action: "Stop", recurrence: { frequency: "Week", hours: [1], minutes: [0] } }] },
            "ComputeInstance: schedules[0].recurrence.weekDays (not set) must list at least one day when frequency is Week."],
        ["week day name", { schedules: [{ action: "Stop", recurrence: { frequency: "Week", hours: [1], minutes: [0], weekDays: ["Mon" as "Monday"] } }] },
            'ComputeInstance: schedules[0].recurrence.weekDays ["Mon"] must list days from Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday.'],
        ["week days on a daily schedule", { schedules: [{ action: "Stop", recurrence: { frequency: "Day", hours: [1], minutes: [0], weekDays: ["Friday"] } }] },
            "ComputeInstance: schedules[0].recurrence.weekDays is only for frequency Week; a Day schedule fires every day: remove it."],
    ])("%s", async (what, override, message) => {
        const before = record.resources.length;
        const error = errorOf(() => new ComputeInstance(`bad-${what.replace(/ /g, "-")}`, { ...base, ...override }));
        expect(error).toEqual({ message, isResourceError: true });
        // Registration is asynchronous: give it time, then nothing but the component itself is there.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(record.resources.slice(before).map((r) => r.type).filter((type) => type !== "mllab:index:ComputeInstance")).toEqual([]);
    });
});

describe("the shared checks the options use", () => {
    test.each([
        "0 18 * * *", "*/15 8-17 * * 1-5", "0,30 7 1 1-12/3 0,6", "59 23 31 12 6", "  0 18 * * *  ",
    ])("cron %j is accepted", (expression) => {
        expect(cronExpressionProblem(expression)).toBeUndefined();
    });

    test.each<[string, string]>([
        ["", 'must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 18 * * 1-5"'],
        ["0 18 * * * *", 'must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 18 * * 1-5"'],
        ["60 * * * *", "has minute 60 outside 0-59"],
        ["0 0 0 * *", "has day of month 0 outside 1-31"],
        ["0 0 * 13 *", "has month 13 outside 1-12"],
        ["0 0 * * 7", "has day of week 7 outside 0-6"],
        ["0 17-9 * * *", "has hour range 17-9 running backwards"],
        ["*/0 * * * *", "has minute step 0; a step must be at least 1"],
        ["5/2 * * * *", `has minute "5/2", which is not '*', a number, a range (a-b), a list (a,b) or a step (*/n, a-b/n)`],
        ["0 18 ? * *", `has day of month "?", which is not '*', a number, a range (a-b), a list (a,b) or a step (*/n, a-b/n)`],
    ])("cron %j: %s", (expression, problem) => {
        expect(cronExpressionProblem(expression)).toBe(problem);
    });

    test("GUIDs in either case; nothing else", () => {
        expect(guidProblem(OBJECT_ID)).toBeUndefined();
        expect(guidProblem(OBJECT_ID.toUpperCase())).toBeUndefined();
        expect(guidProblem(`{${OBJECT_ID}}`)).toBe("must be a GUID such as 00000000-0000-0000-0000-000000000000");
    });

    test("OpenSSH public keys of the three families, with or without a comment", () => {
        for (const key of [
            SSH_KEY,
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKV7D6e1E4jj9YkE1vDrXKpA1oJK/DHC8DUcs4xAKirQ",
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
            "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDhRu4Cz= root@vm",
        ]) {
            expect([key, sshPublicKeyProblem(key)]).toEqual([key, undefined]);
        }
        for (const key of ["ssh-dss AAAAB3NzaC1kc3M=", "-----BEGIN OPENSSH PRIVATE KEY-----", "ssh-rsa", "AAAAC3NzaC1lZDI1NTE5"]) {
            expect([key, sshPublicKeyProblem(key)]).toEqual([key, "must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*)"]);
        }
    });

    test("subnet ids compare case-insensitively; a VNet id is not a subnet id", () => {
        expect(subnetIdProblem(SUBNET_ID)).toBeUndefined();
        expect(subnetIdProblem(SUBNET_ID.toLowerCase())).toBeUndefined();
        expect(subnetIdProblem(SUBNET_ID.replace(/\/subnets\/.*$/, ""))).toBeDefined();
    });

    test("Windows time zone ids; IANA ids and padding refused", () => {
        for (const zone of ["UTC", "UTC-11", "UTC+12", "W. Europe Standard Time", "Russia Time Zone 3"]) {
            expect([zone, windowsTimeZoneProblem(zone)]).toEqual([zone, undefined]);
        }
        for (const zone of ["Europe/Berlin", " UTC", "", "1UTC"]) {
            expect(windowsTimeZoneProblem(zone)).toBeDefined();
        }
    });
});
