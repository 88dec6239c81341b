/**
 * The plan's JSON form: the Plan structure with a fixed top-level key order and sorted keys below,
 * two-space indented, ending with a newline, so that two runs on the same input are byte-identical;
 * and the checks a base plan must pass before `--diff` reads it.
 */
import * as fs from "fs";
import { PlanError } from "./errors";
import { compare, Plan, PLAN_FORMAT, PLAN_SCHEMA_VERSION } from "./model";

/** The top-level keys in the order they are written (the rest of the file has sorted keys). */
const TOP_LEVEL_ORDER: ReadonlyArray<keyof Plan> = [
    "format", "schemaVersion", "notice", "project", "stack", "stackFile", "config", "resources", "outputs", "graph", "estimate", "policies",
];

/**
 * Keys that come first, in this order, in the plan's own objects (a resource, an edge, a finding);
 * every other key follows in code-unit order. Inside `inputs`, `options` and `config` (the program's
 * and the stack's data) all keys are in plain code-unit order.
 */
const LEADING_KEYS = ["urn", "type", "name", "parent", "custom", "from", "to", "kind", "policyName", "enforcementLevel"];

const DATA_KEYS = new Set(["inputs", "options", "config"]);

/** The plan as JSON text. */
export function planToJson(plan: Plan): string {
    const ordered = Object.fromEntries(TOP_LEVEL_ORDER.map((key) => [key, sortKeys(plan[key], !DATA_KEYS.has(key))]));
    return JSON.stringify(ordered, null, 2) + "\n";
}

function sortKeys(value: unknown, leading: boolean): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => sortKeys(item, leading));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    const rank = (key: string) => (leading && LEADING_KEYS.includes(key) ? LEADING_KEYS.indexOf(key) : LEADING_KEYS.length);
    const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort((a, b) => rank(a) - rank(b) || compare(a, b));
    return Object.fromEntries(keys.map((key) => [key, sortKeys(record[key], leading && !DATA_KEYS.has(key))]));
}

/** Reads and checks a base plan; every problem is a one-line PlanError that names the file as given. */
export function readBasePlan(file: string, shownAs = file): Plan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new PlanError(`cannot read base plan ${shownAs}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (error) {
        throw new PlanError(`base plan ${shownAs} is not JSON: ${(error as Error).message}`);
    }
    return checkPlan(data, `base plan ${shownAs}`);
}

/** The checks of a parsed plan: format, schema version, and the shape `--diff` relies on. */
export function checkPlan(data: unknown, what: string): Plan {
    if (typeof data !== "object" || data === null || Array.isArray(data) || (data as Plan).format !== PLAN_FORMAT) {
        throw new PlanError(`${what} is not an offline plan: it has no "format": "${PLAN_FORMAT}" (write one with npm run plan -- --json FILE)`);
    }
    const plan = data as Plan;
    if (plan.schemaVersion !== PLAN_SCHEMA_VERSION) {
        throw new PlanError(`${what} has schema version ${JSON.stringify(plan.schemaVersion)}; this plan reads schema version ${PLAN_SCHEMA_VERSION} (write the base again with this version)`);
    }
    if (!Array.isArray(plan.resources)) {
        throw new PlanError(`${what} is not a valid plan: "resources" is not a list`);
    }
    plan.resources.forEach((resource, index) => {
        const ok = typeof resource === "object" && resource !== null && typeof resource.urn === "string" &&
            typeof resource.type === "string" && typeof resource.name === "string" &&
            typeof resource.inputs === "object" && resource.inputs !== null && Array.isArray(resource.dependencies);
        if (!ok) {
            throw new PlanError(`${what} is not a valid plan: resources[${index}] lacks urn, type, name, inputs or dependencies`);
        }
    });
    if (typeof plan.config !== "object" || plan.config === null || !Array.isArray(plan.outputs) ||
        typeof plan.estimate !== "object" || plan.estimate === null) {
        throw new PlanError(`${what} is not a valid plan: it lacks config, outputs or estimate`);
    }
    return plan;
}
