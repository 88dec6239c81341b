/**
 * The engine double itself: what the unit tests and the offline plan rely on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { EngineRecord, installEngineDouble } from "../plan/engineDouble";
import { promiseOf } from "./helpers/program";

let record: EngineRecord;
beforeAll(async () => {
    record = await installEngineDouble({ project: "double", stack: "test", config: {} });
});

test("an invoke it has no answer for fails loudly instead of echoing its inputs", async () => {
    const invoke = pulumi.runtime.invoke("azure-native:keyvault:getSecret", { vaultName: "kv", secretName: "s" });
    await expect(invoke).rejects.toThrow("unexpected invoke azure-native:keyvault:getSecret: the engine double has no answer for it");
    expect(record.invokes.map((i) => i.token)).not.toContain("azure-native:keyvault:getSecret");
});

test("the invokes the project makes are answered and recorded", async () => {
    const config = authorization.getClientConfigOutput();
    expect(await promiseOf(config.tenantId)).toBe("00000000-0000-0000-0000-00000000000a");
    expect(record.invokes.map((i) => i.token)).toEqual(["azure-native:authorization:getClientConfig"]);
});
