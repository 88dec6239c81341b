/**
 * The plan as data: built once from what the program registered, then rendered as text, JSON or
 * Markdown and compared with an earlier plan. The JSON form (schema version 1) is this structure
 * exactly; see PLAN_SCHEMA_VERSION for what a change of it means.
 */
import { createHash } from "crypto";
import * as path from "path";
import { RegisteredResource, UNSERIALIZED_PROVIDER } from "./engineDouble";
import type { PolicyFinding } from "../policy/runner";
import { PlanError } from "./errors";
import { estimate, Estimate } from "./estimate";
import type { ProgramResult } from "./program";
import { redact, scrub, secretStrings, SECRET_TEXT } from "./secrets";
import { ConfigSource, secretPlaceholders, StackConfig } from "./stackConfig";

/** The `format` field of every plan file, so a base plan can be told from any other JSON. */
export const PLAN_FORMAT = "dp100-lab offline plan";

/**
 * The JSON schema's version: raised when a field is removed or changes meaning (a new field does not
 * raise it). `--diff` reads only base plans of this version.
 */
export const PLAN_SCHEMA_VERSION = 1;

export const PLAN_NOTICE =
    "A plan of the program, not Azure's answer: the Pulumi program ran in-process against an engine double " +
    "with fake ids and names; no credentials, no Pulumi CLI, no network. Azure may still refuse what it shows " +
    "(quotas, names taken, permissions, region capacity), and the plan cannot see what is already deployed.";

export interface PlanConfigEntry {
    /** The value, or [secret]. */
    readonly value: string;
    readonly source: ConfigSource;
    readonly secret: boolean;
}

export interface PlanResource {
    /** The URN the engine would give it (full parent type chain), the resource's identity across plans. */
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The parent's URN, or null for a child of the stack. */
    readonly parent: string | null;
    /** True for a provider resource, false for a component. */
    readonly custom: boolean;
    /** The program's inputs, keys sorted, secrets as [secret]. */
    readonly inputs: Record<string, unknown>;
    /** URNs it depends on (explicitly or through its inputs), sorted. */
    readonly dependencies: string[];
    /** The resource options that are set (protect, replaceOnChanges, customTimeouts...). */
    readonly options: Record<string, unknown>;
}

/** `from` must exist before `to`: `to` depends on `from`, or `from` is `to`'s parent. */
export interface PlanEdge {
    readonly from: string;
    readonly to: string;
    readonly kind: "dependency" | "parent";
}

export interface PolicyReport {
    /** The pack's policies, as policy/runner.ts summarizes them. */
    readonly policies: ReadonlyArray<{ name: string; enforcementLevel: string; description: string }>;
    readonly findings: PlanFinding[];
    readonly mandatory: number;
    readonly advisory: number;
}

/** A policy finding as the pack's runner reports it. */
export type PlanFinding = PolicyFinding;

export interface Plan {
    readonly format: string;
    readonly schemaVersion: number;
    readonly notice: string;
    readonly project: string;
    readonly stack: string;
    readonly stackFile: string;
    readonly config: Record<string, PlanConfigEntry>;
    /** Sorted by URN. */
    readonly resources: PlanResource[];
    /** The stack outputs' names (their values exist only after a deployment). */
    readonly outputs: string[];
    readonly graph: { readonly edges: PlanEdge[] };
    readonly estimate: Estimate;
    readonly policies: PolicyReport;
}

/** What the plan asks of the policy pack (policy/runner.ts provides it). */
export interface PolicyEvaluator {
    readonly summary: PolicyReport["policies"];
    run(resources: ReadonlyArray<{ urn: string; type: string; name: string; inputs: Record<string, unknown> }>): PlanFinding[];
}

/** Builds the plan from a program run: engine URNs, redacted inputs, graph, estimate, policy results. */
export function buildPlan(config: StackConfig, result: ProgramResult, policies: PolicyEvaluator): Plan {
    const urns = engineUrns(config, result.resources);
    const seen = new Map<string, RegisteredResource>();
    for (const resource of result.resources) {
        const urn = urns.get(resource.urn) as string;
        if (seen.has(urn)) {
            throw new PlanError(`two resources have the URN ${urn}: the engine would refuse the second (give it another name)`);
        }
        seen.set(urn, resource);
    }
    const placeholders = secretPlaceholders(config);
    const mapUrn = (urn: string) => urns.get(urn) ?? urn;

    const resources: PlanResource[] = result.resources.map((resource) => {
        const options: Record<string, unknown> = { ...resource.options };
        if (typeof options.deletedWith === "string") {
            options.deletedWith = mapUrn(options.deletedWith);
        }
        return {
            urn: mapUrn(resource.urn),
            type: resource.type,
            name: resource.name,
            parent: resource.parent === undefined ? null : mapUrn(resource.parent),
            custom: resource.custom,
            inputs: redact(relativeAssetPaths(summarizeProviderCode(resource.type, resource.inputs), config.projectDir), placeholders) as Record<string, unknown>,
            dependencies: [...new Set(resource.dependencies.map(mapUrn))].filter((urn) => urn !== mapUrn(resource.urn)).sort(),
            options: redact(options, []) as Record<string, unknown>,
        };
    }).sort((a, b) => compare(a.urn, b.urn));

    const known = new Set(resources.map((resource) => resource.urn));
    const edges: PlanEdge[] = resources.flatMap((resource) => [
        ...(resource.parent !== null && known.has(resource.parent) ? [{ from: resource.parent, to: resource.urn, kind: "parent" as const }] : []),
        ...resource.dependencies.filter((urn) => known.has(urn)).map((urn) => ({ from: urn, to: resource.urn, kind: "dependency" as const })),
    ]).sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind));

    // Times and policies read the program's own inputs (a secret's placeholder is no plaintext).
    const rawInputs = new Map(result.resources.map((resource) => [mapUrn(resource.urn), resource.inputs]));
    const timing = estimate(resources.map((resource) => ({ ...resource, inputs: rawInputs.get(resource.urn) ?? {} })));

    const secrets = [...placeholders, ...result.resources.flatMap((resource) => secretStrings(resource.inputs))];
    const findings = policies
        .run(resources.map((resource) => ({ urn: resource.urn, type: resource.type, name: resource.name, inputs: rawInputs.get(resource.urn) ?? {} })))
        .map((finding) => ({
            policyName: finding.policyName,
            enforcementLevel: finding.enforcementLevel,
            urn: finding.urn,
            type: finding.type,
            name: finding.name,
            message: scrub(finding.message, secrets),
        }))
        .sort((a, b) => compare(a.enforcementLevel, b.enforcementLevel) || compare(a.urn, b.urn) || compare(a.policyName, b.policyName) || compare(a.message, b.message));

    return {
        format: PLAN_FORMAT,
        schemaVersion: PLAN_SCHEMA_VERSION,
        notice: PLAN_NOTICE,
        project: config.project,
        stack: config.stack,
        stackFile: config.stackFile,
        config: Object.fromEntries(Object.entries(config.entries).map(([key, entry]) => [
            key,
            { value: entry.secret ? SECRET_TEXT : entry.value, source: entry.source, secret: entry.secret },
        ])),
        resources,
        outputs: [...result.outputs].sort(),
        graph: { edges },
        estimate: timing,
        policies: {
            policies: policies.summary.map((policy) => ({ name: policy.name, enforcementLevel: policy.enforcementLevel, description: policy.description })),
            findings,
            mandatory: findings.filter((finding) => finding.enforcementLevel === "mandatory").length,
            advisory: findings.filter((finding) => finding.enforcementLevel === "advisory").length,
        },
    };
}


/**
 * A dynamic resource's `__provider` input is its provider's code, serialized by Pulumi (thousands of
 * lines): the plan keeps its size and hash, enough to show that it changed.
 */
function summarizeProviderCode(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const code = inputs.__provider;
    if (!type.startsWith("pulumi-nodejs:dynamic") || typeof code !== "string" || code === UNSERIALIZED_PROVIDER) {
        return inputs;
    }
    const hash = createHash("sha256").update(code).digest("hex").slice(0, 12);
    return { ...inputs, __provider: `[serialized provider code: ${code.length} characters, sha256 ${hash}]` };
}

/**
 * File assets and archives under the project directory, by their path relative to it: plans of two
 * checkouts (a pull request and its base branch) then compare equal where the files are the same.
 */
function relativeAssetPaths(value: unknown, projectDir: string): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => relativeAssetPaths(item, projectDir));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => {
        if ((key === "fileAsset" || key === "fileArchive") && typeof item === "string" && path.isAbsolute(item)) {
            const relative = path.relative(projectDir, item);
            return [key, relative.startsWith("..") || path.isAbsolute(relative) ? item : relative.split(path.sep).join("/")];
        }
        return [key, relativeAssetPaths(item, projectDir)];
    }));
}

/**
 * The engine's URN of each registered resource. The mock monitor's URNs carry only the parent's own
 * type; the engine's carry the whole chain of parent types (`A$B$C::name`), as `pulumi stack export`
 * shows them, so that is what the plan uses.
 */
function engineUrns(config: StackConfig, resources: readonly RegisteredResource[]): Map<string, string> {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const chains = new Map<string, string>();
    const chainOf = (resource: RegisteredResource, depth = 0): string => {
        const known = chains.get(resource.urn);
        if (known !== undefined) {
            return known;
        }
        const parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
        const chain = parent === undefined || depth > resources.length ? resource.type : `${chainOf(parent, depth + 1)}$${resource.type}`;
        chains.set(resource.urn, chain);
        return chain;
    };
    return new Map(resources.map((resource) => [
        resource.urn,
        `urn:pulumi:${config.stack}::${config.project}::${chainOf(resource)}::${resource.name}`,
    ]));
}

/** Plain code-unit order, the same on every machine and locale. */
export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
