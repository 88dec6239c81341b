/**
 * The plan as a pull-request comment: the banner, a summary table, the resource tree, a Mermaid graph
 * of the stack (components as subgraphs, the critical path highlighted), the estimate, the policy
 * results, the key settings and, with --diff, the changes against the base branch's plan.
 */
import { Plan } from "./model";
import { formatDuration } from "./provisioningTimes";
import { bannerLines, configLines, counts, estimateLines, keySettingLines, treeLines } from "./renderText";
import { buildTree, labels, TreeNode } from "./tree";

export function renderMarkdown(plan: Plan, diff?: { lines: string[]; empty: boolean }): string {
    const { total, azure, local, components } = counts(plan);
    const policyCell = plan.policies.mandatory > 0
        ? `**${plan.policies.mandatory} mandatory violation(s)**, ${plan.policies.advisory} advisory`
        : plan.policies.advisory > 0
            ? `passed, ${plan.policies.advisory} advisory warning(s)`
            : `all ${plan.policies.policies.length} passed`;
    const parts: string[] = [
        `## Offline plan: \`${plan.project}\` / \`${plan.stack}\``,
        "",
        `> [!NOTE]\n${bannerLines(plan).map((line) => `> ${line}`).join("\n")}`,
        "",
        "| | |",
        "| --- | --- |",
        `| Resources to create | ${total}: ${azure} in Azure, ${local} local, ${components} components |`,
        `| Estimated deployment (pulumi up) | ~${formatDuration(plan.estimate.parallelSeconds)} |`,
        `| One after another (manual steps) | ~${formatDuration(plan.estimate.sequentialSeconds)} |`,
        `| Policies | ${policyCell} |`,
        ...(diff === undefined ? [] : [`| Changes against the base | ${diff.empty ? "none" : "see below"} |`]),
        "",
    ];
    if (diff !== undefined) {
        parts.push("### Changes against the base branch", "", fence("diff", diff.lines.slice(1).map(diffMarkers)), "");
    }
    parts.push(
        "### Resource tree", "", fence("text", treeLines(plan)), "",
        "### Graph", "", fence("mermaid", mermaidLines(plan)), "",
        "### Estimated deployment time", "",
        "Typical Azure provisioning times from `plan/provisioningTimes.ts`; real times vary.", "",
        fence("text", estimateLines(plan)), "",
        "### Policies", "", ...policyMarkdown(plan), "",
        "<details><summary>Key settings and config</summary>", "",
        fence("text", [...keySettingLines(plan), "", "Config:", ...configLines(plan)]), "",
        "</details>", "",
    );
    return parts.join("\n");
}

function fence(language: string, lines: string[]): string {
    return ["```" + language, ...lines, "```"].join("\n");
}

/**
 * GitHub colours a `diff` block by each line's first character: the marker moves to the front (`~`
 * as `!`, GitHub's "changed"), the indentation stays after it.
 */
function diffMarkers(line: string): string {
    const match = /^( *)([+\-~]) (.*)$/.exec(line);
    if (match === null) {
        return line;
    }
    const [, indent, marker, rest] = match;
    return `${marker === "~" ? "!" : marker} ${indent.slice(2)}${rest}`;
}

function policyMarkdown(plan: Plan): string[] {
    const { findings, policies } = plan.policies;
    if (findings.length === 0) {
        return [`All ${policies.length} policies passed.`];
    }
    return [
        "| Level | Policy | Resource | Message |",
        "| --- | --- | --- | --- |",
        ...findings.map((finding) =>
            `| ${finding.enforcementLevel} | \`${finding.policyName}\` | \`${finding.name}\` | ${cell(finding.message)} |`),
    ];
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * A Mermaid `graph TD`: components as subgraphs holding their children, provider resources as nodes,
 * one arrow per direct dependency that no longer path already implies (transitive reduction), the
 * critical path in red. Node ids are positions in the URN-sorted resource list.
 */
export function mermaidLines(plan: Plan): string[] {
    const ids = new Map(plan.resources.map((resource, index) => [resource.urn, `r${index}`]));
    const label = labels(plan);
    const critical = new Set(plan.estimate.criticalPath);
    const lines = ["graph TD"];
    const emit = (node: TreeNode, indent: string) => {
        const resource = node.resource;
        if (resource === undefined) {
            return;
        }
        const id = ids.get(resource.urn) as string;
        const text = `${mermaidText(label.get(resource.urn) as string)}<br/><small>${mermaidText(resource.type)}</small>`;
        if (!resource.custom && node.children.length > 0) {
            lines.push(`${indent}subgraph ${id}["${text}"]`);
            node.children.forEach((child) => emit(child, `${indent}  `));
            lines.push(`${indent}end`);
        } else {
            lines.push(`${indent}${id}["${text}"]`);
        }
    };
    buildTree(plan).children.forEach((child) => emit(child, "  "));

    for (const [from, to] of reducedEdges(plan)) {
        lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
    }
    if (critical.size > 0) {
        lines.push("  classDef critical stroke:#d1242f,stroke-width:3px");
        lines.push(`  class ${[...critical].map((urn) => ids.get(urn)).join(",")} critical`);
    }
    return lines;
}

/** Mermaid label text: quotes and angle brackets as entities. */
function mermaidText(text: string): string {
    return text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
}

/** Dependency edges between provider resources, without those a longer path implies. */
function reducedEdges(plan: Plan): Array<[string, string]> {
    const custom = new Set(plan.resources.filter((resource) => resource.custom).map((resource) => resource.urn));
    const waits = new Map(plan.resources.map((resource) => [resource.urn, resource.dependencies.filter((urn) => custom.has(urn))]));
    const reachable = (from: string, target: string, seen = new Set<string>()): boolean =>
        (waits.get(from) ?? []).some((next) => next === target || (!seen.has(next) && (seen.add(next), reachable(next, target, seen))));
    const edges: Array<[string, string]> = [];
    for (const resource of plan.resources) {
        if (!resource.custom) {
            continue;
        }
        const direct = waits.get(resource.urn) ?? [];
        for (const dependency of direct) {
            const implied = direct.some((other) => other !== dependency && reachable(other, dependency));
            if (!implied) {
                edges.push([dependency, resource.urn]);
            }
        }
    }
    return edges;
}
