/**
 * The deployment estimate on hand-made graphs: critical path, sequential sum, components, unknown
 * types, cycles; and the one table of provisioning times.
 */
import { estimate, EstimateInput } from "../../plan/estimate";
import { formatDuration, PROVISIONING_TIMES, provisioningTimeOf, UNKNOWN_TYPE_TIME } from "../../plan/provisioningTimes";

const T = {
    group: "azure-native:resources:ResourceGroup",
    storage: "azure-native:storage:StorageAccount",
    workspace: "azure-native:machinelearningservices:Workspace",
    compute: "azure-native:machinelearningservices:Compute",
    blob: "azure-native:storage:Blob",
    component: "mllab:index:Thing",
};

function resource(urn: string, type: string, dependencies: string[] = [], extra: Partial<EstimateInput> = {}): EstimateInput {
    return { urn, type, custom: !type.startsWith("mllab:"), parent: null, dependencies, inputs: {}, ...extra };
}

const instance = { properties: { computeType: "ComputeInstance" } };

describe("estimate", () => {
    test("the critical path is the longest chain; the sequential sum adds every resource", () => {
        const result = estimate([
            resource("rg", T.group),
            resource("st", T.storage, ["rg"]),
            resource("ws", T.workspace, ["rg", "st"]),
            resource("ci", T.compute, ["ws"], { inputs: instance }),
            resource("blob", T.blob, ["st"]),
        ]);
        expect(result.criticalPath).toEqual(["rg", "st", "ws", "ci"]);
        expect(result.parallelSeconds).toBe(5 + 30 + 150 + 360);
        expect(result.sequentialSeconds).toBe(5 + 30 + 150 + 360 + 2);
        expect(result.resources.find((timing) => timing.urn === "blob")).toMatchObject({ start: 35, finish: 37, seconds: 2 });
    });

    test("waiting for a component means waiting for everything in it; a child waits for its parent", () => {
        const result = estimate([
            resource("c", T.component),
            resource("rg", T.group, [], { parent: "c" }),
            resource("st", T.storage, ["rg"], { parent: "c" }),
            resource("ws", T.workspace, ["c"]),
        ]);
        expect(result.criticalPath).toEqual(["rg", "st", "ws"]);
        expect(result.resources.find((timing) => timing.urn === "c")).toMatchObject({ seconds: 0, start: 0, finish: 35 });
    });

    test("a type not in the table gets the default time and is listed", () => {
        const result = estimate([resource("x", "acme:index:Widget"), resource("rg", T.group)]);
        expect(result.unknownTypes).toEqual(["acme:index:Widget"]);
        expect(result.resources.find((timing) => timing.urn === "x")).toMatchObject({ seconds: UNKNOWN_TYPE_TIME.seconds, tableKey: null });
    });

    test("a dependency cycle is an error", () => {
        expect(() => estimate([resource("a", T.group, ["b"]), resource("b", T.group, ["a"])]))
            .toThrow("dependency cycle through a: the engine would refuse this program");
    });

    test("an empty program takes no time", () => {
        expect(estimate([])).toMatchObject({ parallelSeconds: 0, sequentialSeconds: 0, criticalPath: [] });
    });
});

describe("the provisioning-time table", () => {
    test("has the documented figures", () => {
        expect(PROVISIONING_TIMES[T.group].seconds).toBeLessThanOrEqual(10);
        expect(PROVISIONING_TIMES[T.storage].seconds).toBe(30);
        expect(PROVISIONING_TIMES["azure-native:keyvault:Vault"].seconds).toBe(20);
        expect(PROVISIONING_TIMES["azure-native:operationalinsights:Workspace"].seconds).toBe(30);
        expect(PROVISIONING_TIMES["azure-native:applicationinsights:Component"].seconds).toBe(15);
        expect(PROVISIONING_TIMES[T.workspace].seconds).toBeGreaterThanOrEqual(120);
        expect(PROVISIONING_TIMES[T.workspace].seconds).toBeLessThanOrEqual(180);
        expect(PROVISIONING_TIMES[`${T.compute}#ComputeInstance`].seconds).toBe(360);
        expect(PROVISIONING_TIMES[T.blob].seconds).toBe(2);
        for (const asset of ["DataVersion", "CodeVersion", "ComponentVersion"]) {
            expect(PROVISIONING_TIMES[`azure-native:machinelearningservices:${asset}`].seconds).toBe(5);
        }
        expect(PROVISIONING_TIMES["azure-native:resources:Resource#Microsoft.MachineLearningServices/jobs"].seconds).toBe(10);
    });

    test("looks up variants, dynamic resources, local and component types", () => {
        expect(provisioningTimeOf(T.compute, true, instance).key).toBe(`${T.compute}#ComputeInstance`);
        expect(provisioningTimeOf(T.compute, true, { properties: { computeType: "AmlCompute" } }).key).toBe(`${T.compute}#AmlCompute`);
        expect(provisioningTimeOf("azure-native:resources:Resource", true, {
            resourceProviderNamespace: "Microsoft.MachineLearningServices", resourceType: "jobs",
        }).seconds).toBe(10);
        expect(provisioningTimeOf("pulumi-nodejs:dynamic/mllab:WorkspacePurge", true, {}).key).toBe("pulumi-nodejs:dynamic:Resource");
        expect(provisioningTimeOf("random:index/randomString:RandomString", true, {})).toMatchObject({ seconds: 0, key: "local" });
        expect(provisioningTimeOf(T.component, false, {})).toMatchObject({ seconds: 0, key: "component" });
    });

    test.each([[0, "0 s"], [45, "45 s"], [60, "1 min"], [150, "2 min 30 s"], [3725, "1 h 02 min"]])("formats %i s as %s", (seconds, text) => {
        expect(formatDuration(seconds)).toBe(text);
    });
});
