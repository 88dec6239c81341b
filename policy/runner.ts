/**
 * Runs the pack's policies in-process over resources recorded elsewhere (the offline plan's engine
 * double), the way `pulumi preview --policy-pack policy` runs them over the engine's resources: same
 * policies, same arguments, same pack config format, same handling of "not applicable" and of values
 * unknown during a preview. No gRPC server, no Pulumi CLI.
 *
 * What it cannot reproduce: the engine passes inputs after the provider's Check (which may add
 * provider defaults); here the policies see the inputs the program gave.
 */
import * as pulumi from "@pulumi/pulumi";
import * as policySdk from "@pulumi/policy";
import type { EnforcementLevel, PolicyConfigSchema, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { LabPolicy, POLICIES } from "./policies";

/**
 * The pack server's own unknown-value proxy and its error: exported by @pulumi/policy at run time but
 * marked internal, so its typings leave them out.
 */
const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
    unknownCheckingProxy<T extends object>(value: T): T;
    UnknownValueError: new (...args: never[]) => Error;
};

export interface PolicyFinding {
    readonly policyName: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly message: string;
}

export interface PolicyTarget {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
}

/** Names and enforcement levels of all policies, for reporting "N policies, all passed". */
export const POLICY_SUMMARY: ReadonlyArray<{ name: string; enforcementLevel: "mandatory" | "advisory"; description: string }> =
    POLICIES.map((policy) => ({ name: policy.name, enforcementLevel: policy.enforcementLevel, description: policy.description }));

/**
 * Runs every policy of the pack over the given resources, as `pulumi preview --policy-pack` would;
 * config as the pack's (the JSON of `--policy-pack-config`): keyed by policy name or `all`, each value
 * an enforcement level or `{ enforcementLevel?, ...settings }`. Throws on config the CLI would refuse.
 */
export function runPolicies(resources: readonly PolicyTarget[], config: Record<string, unknown> = {}): PolicyFinding[] {
    const settings = resolveConfig(POLICIES, config);
    const findings: PolicyFinding[] = [];
    for (const resource of resources) {
        for (const policy of POLICIES) {
            const { enforcementLevel, properties } = settings.get(policy.name) as ResolvedPolicyConfig;
            if (enforcementLevel === "disabled") {
                continue;
            }
            // The CLI reports a violation of a "remediate" policy that remains as mandatory.
            const level: PolicyFinding["enforcementLevel"] = enforcementLevel === "advisory" ? "advisory" : "mandatory";
            const finding = (message: string, findingLevel = level): PolicyFinding => ({
                policyName: policy.name,
                enforcementLevel: findingLevel,
                urn: resource.urn,
                type: resource.type,
                name: resource.name,
                message,
            });
            for (const validation of validationsOf(policy)) {
                const pulumiType = (validation as { __pulumiType?: unknown }).__pulumiType;
                if (typeof pulumiType === "string" && pulumiType !== resource.type) {
                    continue;
                }
                try {
                    const result = validation(validationArgs(resource, properties), (message) => {
                        findings.push(finding(message));
                    });
                    if (isThenable(result)) {
                        throw new Error("it returned a promise; the offline runner needs synchronous policies");
                    }
                } catch (error) {
                    if (error instanceof NotApplicable) {
                        continue;
                    }
                    if (error instanceof UnknownValueError) {
                        // As the CLI does: a value unknown until deployment makes the check advisory.
                        findings.push(finding(`can't run policy '${policy.name}' during preview: ${error.message}`, "advisory"));
                        continue;
                    }
                    const reason = error instanceof Error ? error.message : String(error);
                    throw new Error(`Error validating resource ${resource.urn} with policy '${policy.name}': ${reason}`);
                }
            }
        }
    }
    return findings;
}

interface ResolvedPolicyConfig {
    readonly enforcementLevel: EnforcementLevel;
    readonly properties: Record<string, unknown>;
}

const ENFORCEMENT_LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Each policy's effective enforcement level and settings: `all` first, then the policy's own entry,
 * then the schema's defaults for settings left out (as the CLI reconciles a pack's config).
 */
function resolveConfig(policies: readonly LabPolicy[], config: Record<string, unknown>): Map<string, ResolvedPolicyConfig> {
    const known = new Set(policies.map((policy) => policy.name));
    for (const key of Object.keys(config)) {
        if (key !== "all" && !known.has(key)) {
            throw new Error(`policy config names "${key}", which is not a policy of this pack: the policies are ${[...known].join(", ")}.`);
        }
    }
    const allLevel = config.all === undefined ? undefined : parseEntry("all", config.all, undefined).enforcementLevel;
    const resolved = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        const entry = config[policy.name] === undefined ? {} : parseEntry(policy.name, config[policy.name], policy.configSchema);
        const defaults = Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {})
                .filter(([, schema]) => typeof schema === "object" && schema.default !== undefined)
                .map(([key, schema]) => [key, (schema as { default: unknown }).default]),
        );
        resolved.set(policy.name, {
            enforcementLevel: entry.enforcementLevel ?? allLevel ?? policy.enforcementLevel,
            properties: { ...defaults, ...entry.properties },
        });
    }
    return resolved;
}

function parseEntry(
    key: string,
    value: unknown,
    schema: PolicyConfigSchema | undefined,
): { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> } {
    const level = (candidate: unknown): EnforcementLevel => {
        if (typeof candidate !== "string" || !ENFORCEMENT_LEVELS.includes(candidate)) {
            throw new Error(`policy config "${key}": enforcement level ${JSON.stringify(candidate)} must be one of ${ENFORCEMENT_LEVELS.join(", ")}.`);
        }
        return candidate as EnforcementLevel;
    };
    if (typeof value === "string") {
        return { enforcementLevel: level(value) };
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new Error(`policy config "${key}" must be an enforcement level or an object, not ${JSON.stringify(value)}.`);
    }
    const { enforcementLevel, ...properties } = value as Record<string, unknown>;
    const allowed = schema?.properties ?? {};
    for (const [name, setting] of Object.entries(properties)) {
        const spec = allowed[name];
        if (spec === undefined || key === "all") {
            const names = Object.keys(allowed);
            throw new Error(
                `policy config "${key}" has no setting "${name}"` +
                (names.length > 0 ? `: its settings are ${names.join(", ")}.` : ": it takes only enforcementLevel."),
            );
        }
        const expected = typeof spec === "object" ? spec.type : undefined;
        if (typeof expected === "string" && !hasJsonType(setting, expected)) {
            throw new Error(`policy config "${key}": ${name} ${JSON.stringify(setting)} must be of type ${expected}.`);
        }
    }
    return {
        ...(enforcementLevel === undefined ? {} : { enforcementLevel: level(enforcementLevel) }),
        properties,
    };
}

function hasJsonType(value: unknown, type: string): boolean {
    switch (type) {
        case "integer":
            return Number.isInteger(value);
        case "array":
            return Array.isArray(value);
        case "null":
            return value === null;
        case "object":
            return typeof value === "object" && value !== null && !Array.isArray(value);
        default:
            return typeof value === type;
    }
}

function validationsOf(policy: LabPolicy): ResourceValidation[] {
    const validate = policy.validateResource;
    return validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
}

/** Thrown by `notApplicable`, as the pack's server does, and caught per policy. */
class NotApplicable extends Error {}

/** The arguments the pack's server builds for one resource (see @pulumi/policy server.js). */
function validationArgs(resource: PolicyTarget, properties: Record<string, unknown>): ResourceValidationArgs {
    const props = unknownCheckingProxy(toPolicyValue(resource.inputs) as Record<string, unknown>);
    const isType = (resourceClass: unknown): boolean => {
        const pulumiType = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
        if (typeof pulumiType === "string" && pulumiType.length > 0) {
            return pulumiType === resource.type;
        }
        const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
        return typeof isInstance === "function" && isInstance({ __pulumiType: resource.type }) === true;
    };
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        stackTags: new Map<string, string>(),
        isType,
        asType: ((resourceClass: unknown) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({ ...properties }) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

/**
 * Plain JSON as the pack's server gets it: secrets unwrapped (policies see plain values), unknowns as
 * the engine's unknown sentinel (so that reading one raises UnknownValueError, as in a real preview).
 */
function toPolicyValue(value: unknown): unknown {
    if (pulumi.isUnknown(value)) {
        return pulumi.runtime.unknownValue;
    }
    if (Array.isArray(value)) {
        return value.map(toPolicyValue);
    }
    if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) {
        return toPolicyValue(record.value);
    }
    return Object.fromEntries(
        Object.entries(record).filter(([, item]) => item !== undefined).map(([key, item]) => [key, toPolicyValue(item)]),
    );
}

function isThenable(value: unknown): boolean {
    return typeof (value as { then?: unknown } | undefined)?.then === "function";
}
