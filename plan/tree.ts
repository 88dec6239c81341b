/**
 * The resource tree as `pulumi preview` groups it: the stack at the root, each component with its
 * children. Siblings come in deployment order (estimated start, then finish), then by type and name,
 * so the tree reads as the order things get created and is the same on every run.
 */
import { compare, Plan, PlanResource } from "./model";

/** The type and name of the stack resource that every `pulumi preview` shows at the root. */
export const STACK_TYPE = "pulumi:pulumi:Stack";

export interface TreeNode {
    /** Undefined for the stack root. */
    readonly resource: PlanResource | undefined;
    readonly type: string;
    readonly name: string;
    readonly children: TreeNode[];
}

export function buildTree(plan: Plan): TreeNode {
    const timing = new Map(plan.estimate.resources.map((entry) => [entry.urn, entry]));
    const known = new Set(plan.resources.map((resource) => resource.urn));
    const childrenOf = new Map<string | null, PlanResource[]>();
    for (const resource of plan.resources) {
        const parent = resource.parent !== null && known.has(resource.parent) ? resource.parent : null;
        childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), resource]);
    }
    const order = (a: PlanResource, b: PlanResource): number => {
        const ta = timing.get(a.urn);
        const tb = timing.get(b.urn);
        return (ta?.start ?? 0) - (tb?.start ?? 0) || (ta?.finish ?? 0) - (tb?.finish ?? 0) || compare(a.type, b.type) || compare(a.name, b.name);
    };
    const node = (resource: PlanResource): TreeNode => ({
        resource,
        type: resource.type,
        name: resource.name,
        children: [...(childrenOf.get(resource.urn) ?? [])].sort(order).map(node),
    });
    return {
        resource: undefined,
        type: STACK_TYPE,
        name: `${plan.project}-${plan.stack}`,
        children: [...(childrenOf.get(null) ?? [])].sort(order).map(node),
    };
}

/** The nodes depth-first, each with the tree prefix `pulumi preview` draws (`├─ `, `│  └─ `). */
export function flattenTree(root: TreeNode): Array<{ node: TreeNode; prefix: string }> {
    const lines: Array<{ node: TreeNode; prefix: string }> = [{ node: root, prefix: "" }];
    const walk = (node: TreeNode, indent: string) => {
        node.children.forEach((child, index) => {
            const last = index === node.children.length - 1;
            lines.push({ node: child, prefix: `${indent}${last ? "└─ " : "├─ "}` });
            walk(child, `${indent}${last ? "   " : "│  "}`);
        });
    };
    walk(root, "");
    return lines;
}

/**
 * A short, unique label per resource: its name, or `name (type)` where two resources share a name.
 */
export function labels(plan: Plan): Map<string, string> {
    const counts = new Map<string, number>();
    plan.resources.forEach((resource) => counts.set(resource.name, (counts.get(resource.name) ?? 0) + 1));
    return new Map(plan.resources.map((resource) => [
        resource.urn,
        (counts.get(resource.name) ?? 0) > 1 ? `${resource.name} (${resource.type})` : resource.name,
    ]));
}
