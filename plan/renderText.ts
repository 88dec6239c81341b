/**
 * The plan as the terminal shows it: banner, config, resource tree, key settings, dependency graph,
 * estimate, policy results, outputs, and (with --diff) the changes against a base plan.
 */
import { keyOptionsOf, keySettingsOf } from "./keySettings";
import { compare, Plan } from "./model";
import { formatDuration } from "./provisioningTimes";
import { buildTree, flattenTree, labels } from "./tree";

/** The banner every rendering starts with, in lines. */
export function bannerLines(plan: Plan): string[] {
    return [
        `OFFLINE PLAN of ${plan.project}, stack ${plan.stack} (${plan.stackFile} over Pulumi.yaml)`,
        "This is a plan of the program, not Azure's answer: the program ran in-process against an engine",
        "double with fake ids and names (no credentials, no Pulumi CLI, no network). Azure may still refuse",
        "what it shows (quotas, names taken, permissions, capacity), and it cannot see what is deployed",
        "already: every resource is listed as a create. The real preview: pulumi preview, with credentials.",
    ];
}

/** Counts for the summary: provider resources in Azure, other provider resources, components. */
export function counts(plan: Plan): { total: number; azure: number; local: number; components: number } {
    const azure = plan.resources.filter((resource) => resource.custom && resource.type.startsWith("azure-native:")).length;
    const custom = plan.resources.filter((resource) => resource.custom).length;
    return { total: plan.resources.length, azure, local: custom - azure, components: plan.resources.length - custom };
}

/** One line that sums the plan up. */
export function summaryLine(plan: Plan): string {
    const { total, azure, local, components } = counts(plan);
    return `${total} resources to create (${azure} in Azure, ${local} local, ${components} components); ` +
        `estimated ${formatDuration(plan.estimate.parallelSeconds)} with pulumi up, ` +
        `${formatDuration(plan.estimate.sequentialSeconds)} one after another; ` +
        `policies: ${plan.policies.mandatory} mandatory, ${plan.policies.advisory} advisory`;
}

/** The tree lines `pulumi preview` would print (prefix, type, name, plan), padded into columns. */
export function treeLines(plan: Plan): string[] {
    const rows = flattenTree(buildTree(plan)).map(({ node, prefix }) => [`${prefix}${node.type}`, node.name]);
    const typeWidth = Math.max("Type".length, ...rows.map(([type]) => [...type].length));
    const nameWidth = Math.max("Name".length, ...rows.map(([, name]) => name.length));
    const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - [...text].length));
    return [
        `     ${pad("Type", typeWidth)}  ${pad("Name", nameWidth)}  Plan`,
        ...rows.map(([type, name]) => ` +   ${pad(type, typeWidth)}  ${pad(name, nameWidth)}  create`),
    ];
}

/** Key settings per provider resource, in tree order. */
export function keySettingLines(plan: Plan): string[] {
    const lines: string[] = [];
    for (const { node } of flattenTree(buildTree(plan))) {
        const resource = node.resource;
        if (resource === undefined || !resource.custom) {
            continue;
        }
        const settings = [...keySettingsOf(resource.type, resource.custom, resource.inputs), ...keyOptionsOf(resource.options).map(([name, value]): [string, string] => [`option ${name}`, value])];
        lines.push(`  ${resource.name}  (${resource.type})`);
        const width = Math.max(0, ...settings.map(([path]) => path.length));
        settings.forEach(([path, value]) => lines.push(`      ${path.padEnd(width)}  ${value}`));
    }
    return lines;
}

/** What each provider resource waits for (direct dependencies; parents are the tree's). */
export function graphLines(plan: Plan): string[] {
    const label = labels(plan);
    const byUrn = new Map(plan.resources.map((resource) => [resource.urn, resource]));
    const lines: string[] = [];
    for (const { node } of flattenTree(buildTree(plan))) {
        const resource = node.resource;
        if (resource === undefined || !resource.custom) {
            continue;
        }
        const waits = resource.dependencies.filter((urn) => byUrn.has(urn)).map((urn) => label.get(urn) as string).sort();
        lines.push(`  ${label.get(resource.urn)} <- ${waits.length > 0 ? waits.join(", ") : "(nothing)"}`);
    }
    return lines;
}

export function estimateLines(plan: Plan): string[] {
    const label = labels(plan);
    const timing = new Map(plan.estimate.resources.map((entry) => [entry.urn, entry]));
    const path = plan.estimate.criticalPath
        .map((urn) => `${label.get(urn)} (${formatDuration(timing.get(urn)?.seconds ?? 0)})`)
        .join(" -> ");
    const lines = [
        `  with pulumi up (parallel where the graph allows): ~${formatDuration(plan.estimate.parallelSeconds)}`,
        `  one after another (the lab's manual steps, a sequential script): ~${formatDuration(plan.estimate.sequentialSeconds)}`,
        `  critical path: ${path || "(none)"}`,
    ];
    // Flag every figure that is not a typical time: types not in the table, and table entries marked assumed.
    const custom = plan.resources.filter((resource) => resource.custom);
    for (const type of plan.estimate.unknownTypes) {
        const names = custom.filter((resource) => resource.type === type).map((resource) => label.get(resource.urn) as string);
        const seconds = timing.get(custom.find((resource) => resource.type === type)?.urn ?? "")?.seconds ?? 0;
        lines.push(`  ! ${type} is not in the table: guessed at ${formatDuration(seconds)} (${names.join(", ")})`);
    }
    const assumed = new Map<string, { seconds: number; count: number }>();
    for (const resource of custom) {
        const entry = timing.get(resource.urn);
        if (entry?.tableKey && entry.basis === "assumed") {
            const group = assumed.get(entry.tableKey) ?? { seconds: entry.seconds, count: 0 };
            assumed.set(entry.tableKey, { ...group, count: group.count + 1 });
        }
    }
    if (assumed.size > 0) {
        const items = [...assumed].sort(([a], [b]) => compare(a, b)).map(([key, group]) => `${key} ${formatDuration(group.seconds)} x${group.count}`);
        lines.push(`  assumed figures (not measured): ${items.join(", ")}`);
    }
    return lines;
}

export function policyLines(plan: Plan): string[] {
    const { policies, findings, mandatory, advisory } = plan.policies;
    const lines = findings.map((finding) => `  ${finding.enforcementLevel.padEnd(9)}  ${finding.policyName}  ${finding.name} (${finding.type}): ${finding.message}`);
    if (mandatory > 0) {
        lines.push(`  ${mandatory} mandatory violation(s): pulumi up with the policy pack would be blocked.`);
    } else if (advisory > 0) {
        lines.push(`  No mandatory violation; ${advisory} advisory warning(s).`);
    } else {
        lines.push(`  All ${policies.length} policies passed.`);
    }
    return lines;
}

export function configLines(plan: Plan): string[] {
    const keys = Object.keys(plan.config);
    const width = Math.max(0, ...keys.map((key) => key.length));
    const valueWidth = Math.max(0, ...keys.map((key) => plan.config[key].value.length));
    return keys.map((key) => `  ${key.padEnd(width)}  ${plan.config[key].value.padEnd(valueWidth)}  (${plan.config[key].source})`);
}

/** The whole text rendering, ending with a newline. */
export function renderText(plan: Plan, diffLines?: string[]): string {
    const rule = "=".repeat(100);
    const sections: string[][] = [
        [rule, ...bannerLines(plan), rule],
        [`Config (${plan.stackFile} over the defaults in Pulumi.yaml):`, ...configLines(plan)],
        [`Resources (as from an empty stack):`, ...treeLines(plan)],
        ["Key settings (the program's inputs; [secret] for secrets; (not set) when absent):", ...keySettingLines(plan)],
        ["Dependency graph (each resource <- what it waits for; every child also waits for its parent):", ...graphLines(plan)],
        ["Estimated deployment time (typical Azure times, plan/provisioningTimes.ts; real times vary):", ...estimateLines(plan)],
        [`Policies (${plan.policies.policies.length}, the same as pulumi preview --policy-pack policy):`, ...policyLines(plan)],
        ["Outputs (their values exist only after a deployment):", `  ${plan.outputs.length > 0 ? plan.outputs.join(", ") : "(none)"}`],
    ];
    if (diffLines !== undefined) {
        sections.push(diffLines);
    }
    sections.push([`Plan: ${summaryLine(plan)}.`, "Fake ids: a plan of the program, not Azure's answer."]);
    return sections.map((lines) => lines.join("\n")).join("\n\n") + "\n";
}
