/**
 * The offline runner (policy/runner.ts): every policy over the real program's resources, the pack's
 * config format, and the server's behaviours it reproduces (type filter, not applicable, unknowns).
 */
import * as pulumi from "@pulumi/pulumi";
import { POLICIES } from "../../policy/policies";
import { POLICY_SUMMARY, PolicyTarget, runPolicies } from "../../policy/runner";
import { BASE_CONFIG, PROJECT, runProgram } from "../helpers/program";
import type { RegisteredResource } from "../../plan/engineDouble";

const toTargets = (resources: readonly RegisteredResource[]): PolicyTarget[] =>
    resources.map(({ urn, type, name, inputs }) => ({ urn, type, name, inputs }));

const target = (type: string, inputs: Record<string, unknown>, name = "it"): PolicyTarget => ({
    urn: `urn:pulumi:dev::dp100-lab::${type}::${name}`,
    type,
    name,
    inputs,
});

const STORAGE = "azure-native:storage:StorageAccount";
const WORKSPACE = "azure-native:machinelearningservices:Workspace";
const COMPUTE = "azure-native:machinelearningservices:Compute";
const GOOD_STORAGE = { allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true };
const REGISTRY = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/cr";

describe("runPolicies over the real program", () => {
    it("finds no violation in the dev stack's resources", async () => {
        const { record } = await runProgram(BASE_CONFIG);
        const types = new Set(record.resources.map((resource) => resource.type));
        // The run must hold every type the pack checks, or "no violation" would prove nothing.
        for (const type of [STORAGE, "azure-native:keyvault:Vault", "azure-native:applicationinsights:Component", WORKSPACE, COMPUTE]) {
            expect(types).toContain(type);
        }
        expect(runPolicies(toTargets(record.resources))).toEqual([]);
    });

    it("warns, and does not block, when the stack turns idle shutdown off", async () => {
        const { record } = await runProgram({ ...BASE_CONFIG, [`${PROJECT}:idleShutdown`]: "off" });
        const findings = runPolicies(toTargets(record.resources));
        expect(findings.map(({ policyName, enforcementLevel, type }) => ({ policyName, enforcementLevel, type }))).toEqual([
            { policyName: "compute-instance-idle-shutdown", enforcementLevel: "advisory", type: COMPUTE },
        ]);
    });
});

describe("runPolicies", () => {
    it("reports each violation with its policy, level and resource", () => {
        const findings = runPolicies([target(STORAGE, { ...GOOD_STORAGE, allowBlobPublicAccess: true }, "st")]);
        expect(findings).toEqual([{
            policyName: "storage-no-public-blob-access",
            enforcementLevel: "mandatory",
            urn: `urn:pulumi:dev::dp100-lab::${STORAGE}::st`,
            type: STORAGE,
            name: "st",
            message: "allowBlobPublicAccess is true: set it to false so no container can be made public.",
        }]);
    });

    it("ignores resources no policy applies to", () => {
        expect(runPolicies([target("azure-native:resources:ResourceGroup", {}), target("pulumi-nodejs:dynamic:Resource", {})])).toEqual([]);
    });

    it("applies the schema default of allowContainerRegistry (false) and the pack config over it", () => {
        const workspace = target(WORKSPACE, { workspaceName: "w", containerRegistry: REGISTRY });
        expect(runPolicies([workspace]).map((finding) => finding.policyName)).toEqual(["ml-workspace-no-container-registry"]);
        expect(runPolicies([workspace], { "ml-workspace-no-container-registry": { allowContainerRegistry: true } })).toEqual([]);
    });

    it("takes enforcement levels from the config: per policy over `all`, and skips disabled ones", () => {
        const storage = target(STORAGE, { allowBlobPublicAccess: true, minimumTlsVersion: "TLS1_0", enableHttpsTrafficOnly: false });
        const levels = (config: Record<string, unknown>) =>
            Object.fromEntries(runPolicies([storage], config).map((finding) => [finding.policyName, finding.enforcementLevel]));
        expect(levels({ all: "advisory", "storage-https-only": { enforcementLevel: "mandatory" } })).toEqual({
            "storage-no-public-blob-access": "advisory",
            "storage-minimum-tls-1-2": "advisory",
            "storage-https-only": "mandatory",
        });
        expect(levels({ "storage-minimum-tls-1-2": "disabled", "storage-https-only": "remediate" })).toEqual({
            "storage-no-public-blob-access": "mandatory",
            "storage-https-only": "mandatory",
        });
    });

    it("refuses config the CLI would refuse, naming the problem", () => {
        expect(() => runPolicies([], { "storage-public": "advisory" })).toThrow(
            'policy config names "storage-public", which is not a policy of this pack: the policies are ' +
                POLICIES.map((policy) => policy.name).join(", ") + ".",
        );
        expect(() => runPolicies([], { "storage-https-only": "warn" })).toThrow(
            'policy config "storage-https-only": enforcement level "warn" must be one of advisory, mandatory, remediate, disabled.',
        );
        expect(() => runPolicies([], { "ml-workspace-no-container-registry": { allowContainerRegistry: "yes" } })).toThrow(
            'policy config "ml-workspace-no-container-registry": allowContainerRegistry "yes" must be of type boolean.',
        );
        expect(() => runPolicies([], { "storage-https-only": { allow: true } })).toThrow(
            'policy config "storage-https-only" has no setting "allow": it takes only enforcementLevel.',
        );
    });

    it("sees secrets as plain values, as the pack's server does", () => {
        const secret = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: "TLS1_0" };
        expect(runPolicies([target(STORAGE, { ...GOOD_STORAGE, minimumTlsVersion: secret })]).map((finding) => finding.message)).toEqual([
            'minimumTlsVersion is "TLS1_0": set it to TLS1_2.',
        ]);
    });

    it("turns a value unknown during preview into an advisory can't-run finding, as the CLI does", () => {
        const findings = runPolicies([target(STORAGE, { ...GOOD_STORAGE, allowBlobPublicAccess: pulumi.unknown })]);
        expect(findings).toEqual([expect.objectContaining({
            policyName: "storage-no-public-blob-access",
            enforcementLevel: "advisory",
            message: "can't run policy 'storage-no-public-blob-access' during preview: string value at .allowBlobPublicAccess can't be known during preview",
        })]);
    });
});

/**
 * The pack's own analyze RPC (what `pulumi preview --policy-pack` calls), loaded from @pulumi/policy's
 * server module without starting a server: the runner must report what it reports.
 */
describe("runPolicies and the pack's server", () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const server = require("@pulumi/policy/server") as {
        makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: unknown[]): (
            call: { request: unknown },
            callback: (error: unknown, response?: { getDiagnosticsList(): Diagnostic[] }) => void,
        ) => Promise<void>;
    };
    const proto = require("@pulumi/pulumi/proto/analyzer_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    /* eslint-enable @typescript-eslint/no-require-imports */
    interface Diagnostic {
        getPolicyname(): string;
        getEnforcementlevel(): number;
        getMessage(): string;
    }
    const LEVELS: Record<number, string> = { [proto.EnforcementLevel.ADVISORY]: "advisory", [proto.EnforcementLevel.MANDATORY]: "mandatory" };
    const analyze = server.makeAnalyzeRpcFun("dp100-lab-policies", "0.1.0", "advisory", [...POLICIES]);

    async function serverFindings(resource: PolicyTarget): Promise<Array<{ policyName: string; enforcementLevel: string; message: string }>> {
        const request = new proto.AnalyzeRequest();
        request.setType(resource.type);
        request.setUrn(resource.urn);
        request.setName(resource.name);
        request.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(resource.inputs))));
        request.setOptions(new proto.AnalyzerResourceOptions());
        const diagnostics = await new Promise<Diagnostic[]>((resolve, reject) => {
            void analyze({ request }, (error, response) => (error ? reject(error) : resolve(response?.getDiagnosticsList() ?? [])));
        });
        const descriptions = new Map(POLICIES.map((policy) => [policy.name, policy.description]));
        return diagnostics.map((diagnostic) => ({
            policyName: diagnostic.getPolicyname(),
            enforcementLevel: LEVELS[diagnostic.getEnforcementlevel()],
            // The server puts the policy's description before the message.
            message: diagnostic.getMessage().replace(`${descriptions.get(diagnostic.getPolicyname())}\n`, ""),
        }));
    }

    it("agree on the real program's resources and on violating variants of each policed type", async () => {
        const { record } = await runProgram({ ...BASE_CONFIG, [`${PROJECT}:idleShutdown`]: "off" });
        const targets = toTargets(record.resources.filter((resource) => resource.custom));
        const variants = [
            target(STORAGE, { allowBlobPublicAccess: true, minimumTlsVersion: "TLS1_1" }),
            target("azure-native:keyvault:Vault", { properties: { enableRbacAuthorization: false } }),
            target("azure-native:applicationinsights:Component", { kind: "web" }),
            target(WORKSPACE, { containerRegistry: REGISTRY }),
            target(COMPUTE, { properties: { computeType: "ComputeInstance", properties: { sshSettings: { sshPublicAccess: "Enabled" } } } }),
            target(COMPUTE, { properties: { computeType: "AmlCompute", properties: {} } }),
        ];
        let compared = 0;
        for (const resource of [...targets, ...variants]) {
            const expected = await serverFindings(resource);
            const actual = runPolicies([resource]).map(({ policyName, enforcementLevel, message }) => ({ policyName, enforcementLevel, message }));
            expect({ urn: resource.urn, findings: actual }).toEqual({ urn: resource.urn, findings: expected });
            compared += expected.length;
        }
        expect(compared).toBe(10);
    });
});

describe("POLICY_SUMMARY", () => {
    it("lists every policy of the pack with its level and description", () => {
        expect(POLICY_SUMMARY).toEqual(POLICIES.map(({ name, enforcementLevel, description }) => ({ name, enforcementLevel, description })));
        expect(POLICY_SUMMARY.filter((policy) => policy.enforcementLevel === "mandatory")).toHaveLength(6);
        expect(POLICY_SUMMARY.filter((policy) => policy.enforcementLevel === "advisory")).toHaveLength(2);
    });
});
