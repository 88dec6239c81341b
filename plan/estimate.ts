/**
 * The deployment estimate: each resource starts when everything it waits for (its dependencies and its
 * parent) is done, and takes its typical provisioning time (provisioningTimes.ts). The longest chain
 * is the critical path, the time `pulumi up` needs with its default parallelism; the plain sum is the
 * time of doing the same steps one after another, as the lab's manual steps or a sequential script do.
 */
import { PlanError } from "./errors";
import { provisioningTimeOf, TimeBasis } from "./provisioningTimes";

/** What the estimate reads of a resource. */
export interface EstimateInput {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    readonly parent: string | null;
    readonly dependencies: readonly string[];
    /** The program's inputs (some types' times depend on them, e.g. a Compute's computeType). */
    readonly inputs: Record<string, unknown>;
}

export interface ResourceTiming {
    readonly urn: string;
    readonly seconds: number;
    /** Seconds after the deployment starts; for a component, the span of its descendants. */
    readonly start: number;
    readonly finish: number;
    readonly basis: TimeBasis;
    /** The table entry used: a type token (with `#variant`), `component`, `local`, or null when unknown. */
    readonly tableKey: string | null;
}

export interface Estimate {
    /** The critical path's length: the deployment time with unlimited parallelism. */
    readonly parallelSeconds: number;
    /** Every resource one after another. */
    readonly sequentialSeconds: number;
    /** URNs of the provider resources on the critical path, first to last. */
    readonly criticalPath: string[];
    readonly resources: ResourceTiming[];
    /** Types with no entry in the table (their time is a guess). */
    readonly unknownTypes: string[];
}

/** Computes the estimate; throws a PlanError on a dependency cycle (the engine would refuse it too). */
export function estimate(resources: readonly EstimateInput[]): Estimate {
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const children = new Map<string, string[]>();
    for (const resource of resources) {
        if (resource.parent !== null && byUrn.has(resource.parent)) {
            children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource.urn]);
        }
    }
    const descendants = (urn: string): string[] =>
        (children.get(urn) ?? []).flatMap((child) => [child, ...descendants(child)]);

    // Waiting for a component means waiting for everything in it (as the Node SDK expands it).
    const prerequisites = new Map<string, string[]>();
    for (const resource of resources) {
        const waits = new Set<string>();
        for (const dependency of resource.dependencies) {
            if (!byUrn.has(dependency)) {
                continue;
            }
            waits.add(dependency);
            if (!byUrn.get(dependency)?.custom) {
                descendants(dependency).forEach((urn) => waits.add(urn));
            }
        }
        if (resource.parent !== null && byUrn.has(resource.parent)) {
            waits.add(resource.parent);
        }
        waits.delete(resource.urn);
        prerequisites.set(resource.urn, [...waits].sort());
    }

    const times = new Map(resources.map((resource) => [resource.urn, provisioningTimeOf(resource.type, resource.custom, resource.inputs)]));
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const visiting = new Set<string>();
    const finishOf = (urn: string): number => {
        const known = finish.get(urn);
        if (known !== undefined) {
            return known;
        }
        if (visiting.has(urn)) {
            throw new PlanError(`dependency cycle through ${urn}: the engine would refuse this program`);
        }
        visiting.add(urn);
        let start = 0;
        let latest: string | undefined;
        for (const prerequisite of prerequisites.get(urn) ?? []) {
            const end = finishOf(prerequisite);
            if (end > start || (latest === undefined && end === start && end > 0)) {
                start = end;
                latest = prerequisite;
            }
        }
        visiting.delete(urn);
        const end = start + (times.get(urn)?.seconds ?? 0);
        finish.set(urn, end);
        via.set(urn, latest);
        return end;
    };
    resources.forEach((resource) => finishOf(resource.urn));

    const timings: ResourceTiming[] = resources.map((resource) => {
        const time = times.get(resource.urn);
        const end = finish.get(resource.urn) ?? 0;
        const seconds = time?.seconds ?? 0;
        if (!resource.custom) {
            const inside = descendants(resource.urn).filter((urn) => byUrn.get(urn)?.custom);
            const starts = inside.map((urn) => (finish.get(urn) ?? 0) - (times.get(urn)?.seconds ?? 0));
            const ends = inside.map((urn) => finish.get(urn) ?? 0);
            return {
                urn: resource.urn, seconds: 0,
                start: starts.length > 0 ? Math.min(...starts) : end,
                finish: ends.length > 0 ? Math.max(...ends) : end,
                basis: time?.basis ?? "typical", tableKey: time?.key ?? null,
            };
        }
        return { urn: resource.urn, seconds, start: end - seconds, finish: end, basis: time?.basis ?? "assumed", tableKey: time?.key ?? null };
    });

    // The critical path ends at the last provider resource to finish (ties: the first by URN).
    const customs = resources.filter((resource) => resource.custom).map((resource) => resource.urn).sort();
    let last: string | undefined;
    for (const urn of customs) {
        if (last === undefined || (finish.get(urn) ?? 0) > (finish.get(last) ?? 0)) {
            last = urn;
        }
    }
    const path: string[] = [];
    for (let urn = last; urn !== undefined; urn = via.get(urn)) {
        if (byUrn.get(urn)?.custom) {
            path.unshift(urn);
        }
    }

    return {
        parallelSeconds: last === undefined ? 0 : (finish.get(last) ?? 0),
        sequentialSeconds: resources.reduce((sum, resource) => sum + (times.get(resource.urn)?.seconds ?? 0), 0),
        criticalPath: path,
        resources: timings,
        unknownTypes: [...new Set(resources.filter((resource) => times.get(resource.urn)?.key === undefined).map((resource) => resource.type))].sort(),
    };
}
