/**
 * What changed between two plans: resources added and removed (by URN), and for the others every
 * property path whose value differs (inputs, options, parent, dependencies); config keys and outputs
 * too. Secrets compare as [secret] on both sides, so a changed secret does not show.
 */
import { formatValue } from "./keySettings";
import { compare, Plan, PlanResource } from "./model";
import { formatDuration } from "./provisioningTimes";

export interface PropertyChange {
    /** `inputs.properties.properties.vmSize`, `options.protect`, `dependencies`, `parent`... */
    readonly path: string;
    readonly kind: "added" | "removed" | "changed";
    readonly before?: unknown;
    readonly after?: unknown;
}

export interface ResourceRef {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
}

export interface PlanDiff {
    readonly added: ResourceRef[];
    readonly removed: ResourceRef[];
    /** `replace`: a changed input is under the resource's replaceOnChanges, so Pulumi replaces it. */
    readonly changed: Array<ResourceRef & { readonly changes: PropertyChange[]; readonly replace: boolean; readonly deleteBeforeReplace: boolean }>;
    readonly config: PropertyChange[];
    readonly outputs: PropertyChange[];
    readonly estimate: { readonly before: number; readonly after: number } | undefined;
}

/**
 * Compares a base plan with the current one. Resources are matched by URN without its stack and
 * project parts (the parent types and the name), so that two stacks' plans compare too.
 */
export function diffPlans(base: Plan, current: Plan): PlanDiff {
    const basePrefix = urnPrefix(base);
    const currentPrefix = urnPrefix(current);
    const before = new Map(base.resources.map((resource) => [withoutPrefix(resource.urn, basePrefix), resource]));
    const after = new Map(current.resources.map((resource) => [withoutPrefix(resource.urn, currentPrefix), resource]));
    const ref = ({ urn, type, name }: PlanResource): ResourceRef => ({ urn, type, name });
    const keys = [...new Set([...before.keys(), ...after.keys()])].sort(compare);

    const changed: PlanDiff["changed"] = [];
    for (const key of keys) {
        const old = before.get(key);
        const now = after.get(key);
        if (old !== undefined && now !== undefined) {
            const changes = diffValues(comparable(old, basePrefix), comparable(now, currentPrefix));
            if (changes.length > 0) {
                const replace = replacedBy(now, changes);
                changed.push({ ...ref(now), changes, replace, deleteBeforeReplace: replace && now.options?.deleteBeforeReplace === true });
            }
        }
    }
    const configValues = (plan: Plan) => Object.fromEntries(Object.entries(plan.config).map(([key, entry]) => [key, entry.value]));
    const outputsOf = (plan: Plan) => Object.fromEntries(plan.outputs.map((name) => [name, true]));
    const estimateBefore = base.estimate?.parallelSeconds;
    return {
        added: keys.filter((key) => !before.has(key)).map((key) => ref(after.get(key) as PlanResource)),
        removed: keys.filter((key) => !after.has(key)).map((key) => ref(before.get(key) as PlanResource)),
        changed,
        config: diffValues(configValues(base), configValues(current)),
        outputs: diffValues(outputsOf(base), outputsOf(current)).map(({ path, kind }) => ({ path, kind })),
        estimate: typeof estimateBefore === "number" && estimateBefore !== current.estimate.parallelSeconds
            ? { before: estimateBefore, after: current.estimate.parallelSeconds }
            : undefined,
    };
}

/** True when nothing differs that the plan describes (resources, config, outputs). */
export function isEmptyDiff(diff: PlanDiff): boolean {
    return diff.added.length + diff.removed.length + diff.changed.length + diff.config.length + diff.outputs.length === 0;
}

/**
 * True when a changed input falls under the resource's `replaceOnChanges` (`*` for all, or a path and
 * everything below it). azure-native may replace for reasons of its own too, which the plan cannot see.
 */
function replacedBy(resource: PlanResource, changes: readonly PropertyChange[]): boolean {
    const paths = resource.options?.replaceOnChanges;
    if (!Array.isArray(paths)) {
        return false;
    }
    const inputs = changes.filter((change) => change.path.startsWith("inputs.")).map((change) => change.path.slice("inputs.".length));
    return paths.some((path) => typeof path === "string" && inputs.some((input) =>
        path === "*" || input === path || input.startsWith(`${path}.`) || input.startsWith(`${path}[`)));
}

/** `urn:pulumi:<stack>::<project>::`, the part of every URN that names the stack. */
function urnPrefix(plan: Plan): string {
    return `urn:pulumi:${plan.stack}::${plan.project}::`;
}

function withoutPrefix(urn: string, prefix: string): string {
    return urn.startsWith(prefix) ? urn.slice(prefix.length) : urn;
}

/** The parts of a resource that a change can touch (its URN fixes type and name), URNs without the stack. */
function comparable(resource: PlanResource, prefix: string): Record<string, unknown> {
    const strip = (value: unknown): unknown =>
        typeof value === "string" ? withoutPrefix(value, prefix)
            : Array.isArray(value) ? value.map(strip)
                : typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, strip(item)]))
                    : value;
    return strip({
        inputs: resource.inputs,
        options: resource.options ?? {},
        parent: resource.parent ?? null,
        dependencies: [...resource.dependencies].sort(compare),
        custom: resource.custom,
    }) as Record<string, unknown>;
}

/** Leaf-level differences between two JSON values, by path (`a.b[2].c`); lists of URNs compare whole. */
export function diffValues(before: unknown, after: unknown, path = ""): PropertyChange[] {
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compare);
        return keys.flatMap((key) => {
            const child = path === "" ? key : `${path}.${key}`;
            if (!(key in before)) {
                return [{ path: child, kind: "added" as const, after: after[key] }];
            }
            if (!(key in after)) {
                return [{ path: child, kind: "removed" as const, before: before[key] }];
            }
            return diffValues(before[key], after[key], child);
        });
    }
    if (Array.isArray(before) && Array.isArray(after) && path !== "dependencies" && before.length === after.length) {
        return before.flatMap((item, index) => diffValues(item, after[index], `${path}[${index}]`));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, kind: "changed", before, after }];
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The diff as text lines (for the terminal and, fenced, for Markdown): every change line starts with
 * its marker after the indentation, `+` added, `-` removed, `~` changed.
 */
export function diffLines(diff: PlanDiff, baseLabel: string): string[] {
    const lines = [`Changes against the base plan ${baseLabel}:`];
    if (isEmptyDiff(diff)) {
        lines.push("  No changes.");
    }
    diff.added.forEach((resource) => lines.push(`  + ${resource.type}  ${resource.name}  (added)`));
    diff.removed.forEach((resource) => lines.push(`  - ${resource.type}  ${resource.name}  (removed)`));
    for (const resource of diff.changed) {
        const replacement = resource.replace ? `  (replaced: replaceOnChanges${resource.deleteBeforeReplace ? ", deleted first" : ""})` : "";
        lines.push(`  ~ ${resource.type}  ${resource.name}${replacement}`);
        resource.changes.forEach((change) => lines.push(`      ${changeText(change)}`));
    }
    diff.config.forEach((change) => lines.push(`  ${changeText(change, "config ")}`));
    diff.outputs.forEach((change) => lines.push(`  ${change.kind === "added" ? "+" : "-"} output ${change.path}`));
    if (diff.estimate !== undefined) {
        lines.push(`  estimate: ${formatDuration(diff.estimate.before)} -> ${formatDuration(diff.estimate.after)}`);
    }
    return lines;
}

function changeText(change: PropertyChange, what = ""): string {
    switch (change.kind) {
        case "added":
            return `+ ${what}${change.path}: ${formatValue(change.after)}`;
        case "removed":
            return `- ${what}${change.path}: ${formatValue(change.before)}`;
        case "changed":
            return `~ ${what}${change.path}: ${formatValue(change.before)} -> ${formatValue(change.after)}`;
    }
}
