/**
 * The components used directly, as other stacks reuse them: bad arguments fail with one
 * ResourceError before any child resource exists.
 */
import { ComputeInstance, ComputeInstanceArgs } from "../components/computeInstance";
import { Dp100Lab } from "../components/lab";
import { MlWorkspace, MlWorkspaceArgs } from "../components/mlWorkspace";
import { EngineRecord, installEngineDouble } from "../plan/engineDouble";
import { errorOf } from "./helpers/errors";

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({ project: "components", stack: "test", config: {} });
});

const instanceArgs: ComputeInstanceArgs = {
    resourceGroupName: "rg",
    workspaceName: "ws",
    location: "westeurope",
    computeInstanceName: "ci-lab-a",
};
const workspaceArgs: MlWorkspaceArgs = { resourceGroupName: "rg", location: "westeurope", workspaceName: "mlw-test" };


describe("ComputeInstance rejects bad arguments", () => {
    test.each<[string, Partial<ComputeInstanceArgs>, string]>([
        ["vmSize", { vmSize: "DS11" }, 'ComputeInstance: vmSize "DS11" must be an Azure VM size name such as Standard_DS11_v2.'],
        ["idle time", { idleTimeBeforeShutdown: "PT5M" }, 'ComputeInstance: idleTimeBeforeShutdown "PT5M" must be between 15 minutes (PT15M) and 3 days (P3D).'],
        ["idle format", { idleTimeBeforeShutdown: "1h" }, 'ComputeInstance: idleTimeBeforeShutdown "1h" must be an ISO 8601 duration such as PT60M or P1D.'],
        ["both idle options", { idleTimeBeforeShutdown: "PT30M", disableIdleShutdown: true }, "ComputeInstance: idleTimeBeforeShutdown and disableIdleShutdown cannot be combined: set one of them."],
        ["name", { computeInstanceName: "ci-123" }, `ComputeInstance: computeInstanceName "ci-123" is not a valid compute instance name: 3-24 letters, digits and '-', starting with a letter, every '-' followed later by a letter.`],
    ])("%s", (what, override, message) => {
        const before = record.resources.length;
        const error = errorOf(() => new ComputeInstance(`bad-${what.replace(/ /g, "-")}`, { ...instanceArgs, ...override }));
        expect(error).toEqual({ message, isResourceError: true });
        // Only the component itself was registered (by its constructor's super call): no child.
        const registered = record.resources.slice(before);
        expect(registered.filter((r) => r.custom)).toEqual([]);
    });
});

describe("MlWorkspace rejects bad arguments", () => {
    test.each<[string, Partial<MlWorkspaceArgs>, string]>([
        ["workspace name", { workspaceName: "w" }, `MlWorkspace: workspaceName "w" is not a valid Azure ML workspace name: 3-33 characters of letters, digits, '_' and '-', starting with a letter or digit.`],
        ["retention", { logAnalyticsRetentionDays: 10 }, "MlWorkspace: logAnalyticsRetentionDays 10 must be a whole number from 30 to 730."],
        ["daily cap", { logAnalyticsDailyCapGb: 0 }, "MlWorkspace: logAnalyticsDailyCapGb 0 must be a whole number from 1 to 10000."],
        ["soft delete", { keyVaultSoftDeleteRetentionDays: 100 }, "MlWorkspace: keyVaultSoftDeleteRetentionDays 100 must be a whole number from 7 to 90."],
    ])("%s", (what, override, message) => {
        const before = record.resources.length;
        const error = errorOf(() => new MlWorkspace(`bad-${what.replace(/ /g, "-")}`, { ...workspaceArgs, ...override }));
        expect(error).toEqual({ message, isResourceError: true });
        expect(record.resources.slice(before).filter((r) => r.custom)).toEqual([]);
    });
});

test("Dp100Lab rejects a bad resource group name", () => {
    expect(errorOf(() => new Dp100Lab("bad-lab", { location: "westeurope", resourceGroupName: "rg." }))).toEqual({
        message: "Dp100Lab: resourceGroupName \"rg.\" is not a valid resource group name: 1-90 characters of letters, digits, '_', '-', '.', '(', ')', not ending with '.'.",
        isResourceError: true,
    });
});

test("ComputeInstance with idle shutdown disabled sends no idle time", async () => {
    new ComputeInstance("no-idle", { ...instanceArgs, disableIdleShutdown: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const compute = record.resources.find((r) => r.name === "no-idle-instance");
    expect((compute?.inputs as any).properties.properties).toEqual({ // eslint-disable-line @typescript-eslint/no-explicit-any
        vmSize: "Standard_DS11_v2",
        sshSettings: { sshPublicAccess: "Disabled" },
        applicationSharingPolicy: "Personal",
        computeInstanceAuthorizationType: "personal",
    });
});
