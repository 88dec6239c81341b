/**
 * Configuration: Pulumi.yaml and the code hold the same settings and defaults, and every bad input
 * stops the program with one RunError (exact text) before anything is registered.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { SETTINGS, STRUCTURED_SETTINGS } from "../config";
import * as pulumi from "@pulumi/pulumi";
import { defineLabStack } from "../stack";
import { EngineRecord, installEngineDouble } from "../plan/engineDouble";
import { BASE_CONFIG, PROJECT, STACK } from "./helpers/program";

const root = path.join(__dirname, "..");
const readYaml = (file: string) => parse(fs.readFileSync(path.join(root, file), "utf8"));

describe("Pulumi.yaml", () => {
    const project = readYaml("Pulumi.yaml");

    test("is the dp100-lab project on Node.js", () => {
        expect(project.name).toBe("dp100-lab");
        expect(project.runtime.name).toBe("nodejs");
    });

    test("declares exactly the settings the code reads, with the same types, defaults and descriptions", () => {
        const declared = project.config as Record<string, { type: string; default: unknown; description: string }>;
        const inCode = Object.fromEntries(
            Object.entries(SETTINGS).map(([key, spec]) => [key, { type: spec.type, default: spec.default, description: spec.description }]),
        );
        expect(declared).toEqual(inCode);
    });

    test("leaves the region to each stack, and the dev stack sets only the region", () => {
        expect(Object.keys(project.config)).not.toContain("azure-native:location");
        expect(readYaml("Pulumi.dev.yaml").config).toEqual({ "azure-native:location": "westeurope" });
    });

    test("pulumi up only transpiles: the runtime's tsconfig turns type checking off", () => {
        expect(project.runtime.options).toEqual({ typescript: true, tsconfig: "tsconfig.pulumi.json" });
        // The SDK reads `noCheck` from this file's own compilerOptions (it does not follow `extends`).
        expect(JSON.parse(fs.readFileSync(path.join(root, "tsconfig.pulumi.json"), "utf8"))).toEqual({
            extends: "./tsconfig.json",
            compilerOptions: { noCheck: true },
        });
    });
});

const NS = "dp100-lab";
const RG_RULE = "is not a valid resource group name: 1-90 characters of letters, digits, '_', '-', '.', '(', ')', not ending with '.'.";
const WS_RULE = "is not a valid Azure ML workspace name: 3-33 characters of letters, digits, '_' and '-', starting with a letter or digit.";
const VM_RULE = "must be an Azure VM size name such as Standard_DS11_v2.";
const ISO_RULE = "must be an ISO 8601 duration such as PT60M or P1D.";
const RANGE_RULE = "must be between 15 minutes (PT15M) and 3 days (P3D).";
const REGION_RULE = "must be an Azure region name in lowercase letters and digits, such as westeurope or eastus2.";
const CHOOSE = "every stack must choose its region (pulumi config set azure-native:location westeurope).";
const SUBNET = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-ml/subnets/snet-pe";
const ALL_KEYS = [...Object.keys(SETTINGS), ...Object.keys(STRUCTURED_SETTINGS)].join(", ");

/** [what is wrong, config over the dev stack (undefined deletes a key), the exact error]. */
const BAD_CONFIGS: Array<[string, Record<string, string | undefined>, string]> = [
    ["region missing", { "azure-native:location": undefined }, `azure-native:location is not set: ${CHOOSE}`],
    ["region empty", { "azure-native:location": "" }, `azure-native:location "" is empty: ${CHOOSE}`],
    ["region blank", { "azure-native:location": "   " }, `azure-native:location "   " is empty: ${CHOOSE}`],
    ["region display name", { "azure-native:location": "West Europe" }, `azure-native:location "West Europe" ${REGION_RULE}`],
    ["region with a dash", { "azure-native:location": "west-europe" }, `azure-native:location "west-europe" ${REGION_RULE}`],
    ["region uppercase", { "azure-native:location": "WESTEUROPE" }, `azure-native:location "WESTEUROPE" ${REGION_RULE}`],
    ["resource group empty", { [`${NS}:resourceGroupName`]: "" }, `${NS}:resourceGroupName "" ${RG_RULE}`],
    ["resource group ends with a period", { [`${NS}:resourceGroupName`]: "rg-lab." }, `${NS}:resourceGroupName "rg-lab." ${RG_RULE}`],
    ["resource group with a space", { [`${NS}:resourceGroupName`]: "rg lab" }, `${NS}:resourceGroupName "rg lab" ${RG_RULE}`],
    ["resource group too long", { [`${NS}:resourceGroupName`]: "r".repeat(91) }, `${NS}:resourceGroupName "${"r".repeat(91)}" ${RG_RULE}`],
    ["workspace too short", { [`${NS}:workspaceName`]: "ml" }, `${NS}:workspaceName "ml" ${WS_RULE}`],
    ["workspace too long", { [`${NS}:workspaceName`]: "m".repeat(34) }, `${NS}:workspaceName "${"m".repeat(34)}" ${WS_RULE}`],
    ["workspace starts with a dash", { [`${NS}:workspaceName`]: "-mlw" }, `${NS}:workspaceName "-mlw" ${WS_RULE}`],
    ["workspace with a period", { [`${NS}:workspaceName`]: "mlw.lab" }, `${NS}:workspaceName "mlw.lab" ${WS_RULE}`],
    ["workspace empty", { [`${NS}:workspaceName`]: "" }, `${NS}:workspaceName "" ${WS_RULE}`],
    ["VM size without the tier", { [`${NS}:computeInstanceVmSize`]: "DS11_v2" }, `${NS}:computeInstanceVmSize "DS11_v2" ${VM_RULE}`],
    ["VM size lowercase tier", { [`${NS}:computeInstanceVmSize`]: "standard_ds11_v2" }, `${NS}:computeInstanceVmSize "standard_ds11_v2" ${VM_RULE}`],
    ["VM size with spaces", { [`${NS}:computeInstanceVmSize`]: "Standard DS11 v2" }, `${NS}:computeInstanceVmSize "Standard DS11 v2" ${VM_RULE}`],
    ["VM size empty", { [`${NS}:computeInstanceVmSize`]: "" }, `${NS}:computeInstanceVmSize "" ${VM_RULE}`],
    ["idle shutdown below 15 minutes", { [`${NS}:idleShutdown`]: "PT10M" }, `${NS}:idleShutdown "PT10M" ${RANGE_RULE}`],
    ["idle shutdown above 3 days", { [`${NS}:idleShutdown`]: "P3DT1M" }, `${NS}:idleShutdown "P3DT1M" ${RANGE_RULE}`],
    ["idle shutdown in plain minutes", { [`${NS}:idleShutdown`]: "60" }, `${NS}:idleShutdown "60" ${ISO_RULE}`],
    ["idle shutdown in weeks", { [`${NS}:idleShutdown`]: "P1W" }, `${NS}:idleShutdown "P1W" ${ISO_RULE}`],
    ["idle shutdown with an empty time part", { [`${NS}:idleShutdown`]: "PT" }, `${NS}:idleShutdown "PT" ${ISO_RULE}`],
    ["idle shutdown 'never'", { [`${NS}:idleShutdown`]: "never" }, `${NS}:idleShutdown "never" ${ISO_RULE}`],
    ["retention not a number", { [`${NS}:logAnalyticsRetentionDays`]: "thirty" }, `${NS}:logAnalyticsRetentionDays "thirty" must be a whole number.`],
    ["retention a fraction", { [`${NS}:logAnalyticsRetentionDays`]: "30.5" }, `${NS}:logAnalyticsRetentionDays "30.5" must be a whole number.`],
    ["retention below 30 days", { [`${NS}:logAnalyticsRetentionDays`]: "7" }, `${NS}:logAnalyticsRetentionDays "7" must be a whole number from 30 to 730.`],
    ["retention above 730 days", { [`${NS}:logAnalyticsRetentionDays`]: "731" }, `${NS}:logAnalyticsRetentionDays "731" must be a whole number from 30 to 730.`],
    ["daily cap negative", { [`${NS}:logAnalyticsDailyCapGb`]: "-1" }, `${NS}:logAnalyticsDailyCapGb "-1" must be a whole number from 0 to 10000.`],
    ["daily cap with a unit", { [`${NS}:logAnalyticsDailyCapGb`]: "5GB" }, `${NS}:logAnalyticsDailyCapGb "5GB" must be a whole number.`],
    ["purge protection 'yes'", { [`${NS}:keyVaultPurgeProtection`]: "yes" }, `${NS}:keyVaultPurgeProtection "yes" must be true or false.`],
    ["purge protection 'True'", { [`${NS}:keyVaultPurgeProtection`]: "True" }, `${NS}:keyVaultPurgeProtection "True" must be true or false.`],
    ["purge on destroy 'on'", { [`${NS}:purgeOnDestroy`]: "on" }, `${NS}:purgeOnDestroy "on" must be true or false.`],
    ["submit training job 'no'", { [`${NS}:submitTrainingJob`]: "no" }, `${NS}:submitTrainingJob "no" must be true or false.`],
    ["protect '1'", { [`${NS}:protect`]: "1" }, `${NS}:protect "1" must be true or false.`],
    [
        "protect with purge on destroy asked for",
        { [`${NS}:protect`]: "true", [`${NS}:purgeOnDestroy`]: "true" },
        `${NS}:purgeOnDestroy "true" cannot be combined with ${NS}:protect "true": a protected workspace is never purged; remove one of them.`,
    ],
    ["training compute unknown", { [`${NS}:trainingCompute`]: "gpu" }, `${NS}:trainingCompute "gpu" must be instance or cluster.`],
    ["training on a cluster that is not there", { [`${NS}:trainingCompute`]: "cluster" }, `${NS}:trainingCompute: "cluster" needs a compute cluster: set computeCluster too.`],
    ["tags not an object", { [`${NS}:tags`]: "team=ml" }, `${NS}:tags "team=ml" must be an object (a structured value in the stack file).`],
    ["a tag value not a string", { [`${NS}:tags`]: JSON.stringify({ team: "ml", cost: 5 }) }, `${NS}:tags: cost 5 must be a string.`],
    ["workspace lock level unknown", { [`${NS}:workspace`]: JSON.stringify({ lock: "Forever" }) }, `${NS}:workspace: lock "Forever" must be one of CanNotDelete, ReadOnly.`],
    ["private endpoint subnet not a subnet id", { [`${NS}:workspace`]: JSON.stringify({ privateEndpointSubnetId: "snet-pe" }) }, `${NS}:workspace: privateEndpointSubnetId "snet-pe" is not a subnet id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>.`],
    ["private workspace the pipeline cannot upload to", { [`${NS}:workspace`]: JSON.stringify({ privateEndpointSubnetId: SUBNET }) }, `${NS}:workspace: privateEndpointSubnetId closes the storage account to the internet, and the lab's training pipeline uploads its data and code to it from the deploying machine: list that machine's public IP address in storageAllowedIpRanges.`],
    ["workspace lock with purge asked for", { [`${NS}:workspace`]: JSON.stringify({ lock: "CanNotDelete" }), [`${NS}:purgeOnDestroy`]: "true" }, `${NS}:workspace: lock and purgeOnDestroy cannot be combined: a locked workspace can be neither deleted nor purged; set one of them.`],
    ["compute instance options as a string", { [`${NS}:computeInstance`]: "ssh" }, `${NS}:computeInstance "ssh" must be an object (a structured value in the stack file).`],
    ["compute instance option unknown", { [`${NS}:computeInstance`]: JSON.stringify({ sshKey: "x" }) }, `${NS}:computeInstance: sshKey is not a field of this setting: the fields are assignedUserObjectId, assignedUserTenantId, setupScriptInline, setupScriptFile, setupScriptTimeoutMinutes, sshPublicKey, schedules, subnetId, disableNodePublicIp.`],
    ["compute instance SSH key not a key", { [`${NS}:computeInstance`]: JSON.stringify({ sshPublicKey: "hello" }) }, `${NS}:computeInstance: sshPublicKey "hello" must be an OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*).`],
    ["compute instance assigned user not a GUID", { [`${NS}:computeInstance`]: JSON.stringify({ assignedUserObjectId: "ana" }) }, `${NS}:computeInstance: assignedUserObjectId "ana" must be a GUID such as 00000000-0000-0000-0000-000000000000.`],
    ["a tenant without an assigned user", { [`${NS}:computeInstance`]: JSON.stringify({ assignedUserTenantId: "4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b" }) }, `${NS}:computeInstance: assignedUserTenantId is set but assignedUserObjectId is not: set both or neither.`],
    ["five schedules", { [`${NS}:computeInstance`]: JSON.stringify({ schedules: Array(5).fill({ action: "Stop", cron: "0 18 * * *" }) }) }, `${NS}:computeInstance: schedules (5 entries) must have at most 4 entries, Azure's limit per instance.`],
    ["a schedule with a bad cron", { [`${NS}:computeInstance`]: JSON.stringify({ schedules: [{ action: "Stop", cron: "every evening" }] }) }, `${NS}:computeInstance: schedules[0].cron "every evening" must have 5 fields (minute hour day-of-month month day-of-week), e.g. "0 18 * * 1-5".`],
    ["a schedule that is a string", { [`${NS}:computeInstance`]: JSON.stringify({ schedules: "0 18 * * *" }) }, `${NS}:computeInstance: schedules "0 18 * * *" must be a list.`],
    ["cluster without a name", { [`${NS}:computeCluster`]: JSON.stringify({ maxNodes: 2 }) }, `${NS}:computeCluster: name is required.`],
    ["cluster with a bad name", { [`${NS}:computeCluster`]: JSON.stringify({ name: "1cluster" }) }, `${NS}:computeCluster: name "1cluster" is not a valid compute cluster name: 3-32 letters, digits and '-', starting with a letter, ending with a letter or digit.`],
    ["cluster max nodes as text", { [`${NS}:computeCluster`]: JSON.stringify({ name: "cpu", maxNodes: "4" }) }, `${NS}:computeCluster: maxNodes "4" must be a whole number.`],
    ["cluster min above max", { [`${NS}:computeCluster`]: JSON.stringify({ name: "cpu-cluster", minNodes: 3, maxNodes: 2 }) }, `${NS}:computeCluster: minNodes 3 must be a whole number from 0 to maxNodes (2).`],
    ["learners not a list", { [`${NS}:learners`]: JSON.stringify({ displayName: "Ana" }) }, `${NS}:learners {"displayName":"Ana"} must be a list (a structured value in the stack file).`],
    ["a learner without an object id", { [`${NS}:learners`]: JSON.stringify([{ displayName: "Ana" }]) }, `${NS}:learners[0]: objectId is required.`],
    ["a learner with a bad object id", { [`${NS}:learners`]: JSON.stringify([{ displayName: "Ana", objectId: "ana@contoso.com" }]) }, `${NS}:learners: learners[0].objectId "ana@contoso.com" must be a GUID such as 00000000-0000-0000-0000-000000000000.`],
    ["classroom idle time too short", { [`${NS}:learners`]: JSON.stringify([{ displayName: "Ana", objectId: "4c3b2a19-8d7e-4f60-9a1b-2c3d4e5f6a7b" }]), [`${NS}:classroom`]: JSON.stringify({ idleTimeBeforeShutdown: "PT1M" }) }, `${NS}:classroom: idleTimeBeforeShutdown "PT1M" must be between 15 minutes (PT15M) and 3 days (P3D).`],
    ["a key in the wrong case", { [`${NS}:workspacename`]: "mlw-x" }, `${NS}:workspacename "mlw-x" is not a setting of this project: did you mean ${NS}:workspaceName?`],
    ["a misspelt key", { [`${NS}:idleShutdwn`]: "PT30M" }, `${NS}:idleShutdwn "PT30M" is not a setting of this project: did you mean ${NS}:idleShutdown?`],
    ["an unknown key", { [`${NS}:sshEnabled`]: "true" }, `${NS}:sshEnabled "true" is not a setting of this project: the settings are ${ALL_KEYS}.`],
];

function withOverrides(overrides: Record<string, string | undefined>): Record<string, string> {
    const config: Record<string, string> = { ...BASE_CONFIG };
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) {
            delete config[key];
        } else {
            config[key] = value;
        }
    }
    return config;
}

describe("bad configuration never deploys half a stack", () => {
    test("the table covers every setting and the region", () => {
        const keysCovered = new Set(BAD_CONFIGS.flatMap(([, overrides]) => Object.keys(overrides)));
        const every = [...Object.keys(SETTINGS), ...Object.keys(STRUCTURED_SETTINGS)].map((k) => `${NS}:${k}`);
        for (const key of [...every, "azure-native:location"]) {
            expect([key, keysCovered.has(key)]).toEqual([key, true]);
        }
        expect(BAD_CONFIGS.length).toBeGreaterThanOrEqual(30);
    });

    // The program itself (stack.ts, what index.ts runs) once per configuration, in one Pulumi runtime:
    // a bad configuration registers nothing, so the next case starts from the same empty record.
    let record: EngineRecord;
    beforeAll(async () => {
        record = await installEngineDouble({ project: PROJECT, stack: STACK, config: {} });
    });

    /** Runs the program with this raw config and returns the RunError it must stop with. */
    function refusal(config: Record<string, string>): Error {
        pulumi.runtime.setAllConfig(config);
        try {
            defineLabStack();
        } catch (error) {
            expect(pulumi.RunError.isInstance(error)).toBe(true);
            return error as Error;
        }
        throw new Error("the program accepted the configuration");
    }

    test.each(BAD_CONFIGS)("%s", (_what, overrides, message) => {
        expect(refusal(withOverrides(overrides)).message).toBe(message);
        expect(record.resources).toEqual([]);
    });

    test("several problems come as one error, one line each", () => {
        const error = refusal({
            "azure-native:location": "West Europe",
            [`${NS}:workspaceName`]: "ml",
            [`${NS}:idleShutdown`]: "PT5M",
        });
        expect(error.message).toBe([
            `azure-native:location "West Europe" ${REGION_RULE}`,
            `${NS}:workspaceName "ml" ${WS_RULE}`,
            `${NS}:idleShutdown "PT5M" ${RANGE_RULE}`,
        ].join("\n"));
        expect(record.resources).toEqual([]);
    });

    test("settings of other namespaces are not ours to judge", () => {
        const error = refusal({
            "azure-native:location": "",
            "azure-native:subscriptionId": "whatever",
            "other-project:workspaceName": "x",
        });
        expect(error.message).toBe(`azure-native:location "" is empty: ${CHOOSE}`);
    });

    test("index.ts itself stops on bad config before registering anything", () => {
        pulumi.runtime.setAllConfig(withOverrides({ [`${NS}:idleShutdown`]: "PT5M" }));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        expect(() => require("../index")).toThrow(`${NS}:idleShutdown "PT5M" ${RANGE_RULE}`);
        expect(record.resources).toEqual([]);
    });
});
