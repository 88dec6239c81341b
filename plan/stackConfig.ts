/**
 * Reads a stack's configuration as the Pulumi CLI would hand it to the program: `Pulumi.<stack>.yaml`
 * `config:` over the project's `Pulumi.yaml` `config:` defaults, every value a string.
 *
 * `secure:` values are never decrypted (there is no secrets provider offline): the program gets a
 * placeholder marked as a secret instead, and the plan shows every input that contains it as [secret].
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import * as YAML from "yaml";
import { PlanError } from "./errors";

/** Where a config value came from. */
export type ConfigSource = "stack" | "project" | "project default";

/** One config value as the program receives it. */
export interface ConfigEntry {
    /** The value as a string (structured values as JSON); a placeholder for a secret. */
    readonly value: string;
    readonly secret: boolean;
    readonly source: ConfigSource;
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    /** The project directory (holds Pulumi.yaml). */
    readonly projectDir: string;
    /** The stack file, relative to the project directory. */
    readonly stackFile: string;
    /** The program's entry as Pulumi.yaml `main:` names it, relative to the project directory. */
    readonly main: string | undefined;
    /** Every config key (`<namespace>:<key>`), sorted. */
    readonly entries: Readonly<Record<string, ConfigEntry>>;
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/** The stack files (`Pulumi.<stack>.yaml`) in a project directory, sorted. */
export function listStackFiles(projectDir: string): string[] {
    let names: string[];
    try {
        names = fs.readdirSync(projectDir);
    } catch {
        return [];
    }
    return names.filter((name) => /^Pulumi\.[^.].*\.ya?ml$/.test(name)).sort();
}

/**
 * Reads Pulumi.yaml and the stack's file from `projectDir`. A stack name may be qualified
 * (`org/project/dev`): as the CLI does, only its last part names the file.
 */
export function readStackConfig(projectDir: string, stackName: string): StackConfig {
    const parts = stackName.split("/");
    const stack = parts[parts.length - 1];
    if (parts.length > 3 || parts.some((part) => !STACK_NAME.test(part) || part === "." || part === "..")) {
        throw new PlanError(`stack name ${JSON.stringify(stackName)} is not valid: use letters, digits, '-', '_' and '.'`);
    }
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) {
        throw new PlanError(`no Pulumi.yaml in ${projectDir}: run the plan from the project directory`);
    }
    const projectDoc = asMapping(readYaml(projectDir, "Pulumi.yaml"), "Pulumi.yaml");
    const project = projectDoc.name;
    if (typeof project !== "string" || project === "") {
        throw new PlanError("Pulumi.yaml has no project name (name:)");
    }

    const stackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].find((name) => fs.existsSync(path.join(projectDir, name)));
    if (stackFile === undefined) {
        const found = listStackFiles(projectDir);
        throw new PlanError(
            `unknown stack ${JSON.stringify(stack)}: there is no Pulumi.${stack}.yaml in ${projectDir} ` +
            `(stack files found: ${found.length > 0 ? found.join(", ") : "none"})`,
        );
    }
    const stackDoc = asMapping(readYaml(projectDir, stackFile) ?? {}, stackFile);

    const entries: Record<string, ConfigEntry> = {};
    const declarations = new Map<string, Record<string, unknown>>();
    const projectConfig = asMapping(projectDoc.config ?? {}, "Pulumi.yaml config:");
    for (const [key, declared] of Object.entries(projectConfig)) {
        const fullKey = qualify(project, key);
        if (isDeclaration(declared)) {
            declarations.set(fullKey, declared);
        }
        const entry = projectEntry(declared);
        if (entry !== undefined) {
            entries[fullKey] = entry;
        }
    }
    const stackConfig = asMapping(stackDoc.config ?? {}, `${stackFile} config:`);
    for (const [key, raw] of Object.entries(stackConfig)) {
        const fullKey = qualify(project, key);
        entries[fullKey] = stackEntry(fullKey, raw, stackFile, declarations.get(fullKey));
    }

    const sorted = Object.fromEntries(Object.keys(entries).sort().map((key) => [key, entries[key]]));
    const main = typeof projectDoc.main === "string" ? projectDoc.main : undefined;
    return { project, stack, projectDir, stackFile, main, entries: sorted };
}

/** The raw config map and the secret keys, as the engine double takes them. */
export function programConfig(config: StackConfig): { config: Record<string, string>; secretKeys: string[] } {
    const raw: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, entry] of Object.entries(config.entries)) {
        raw[key] = entry.value;
        if (entry.secret) {
            secretKeys.push(key);
        }
    }
    return { config: raw, secretKeys };
}

/**
 * The placeholder a secret config value is replaced with: 14 lowercase letters and digits, so that
 * it passes most Azure name rules and survives the cuts and case changes of derived names (the
 * shortest cut here keeps 14 characters). Deterministic, so two plans of one stack are identical.
 */
export function secretPlaceholder(key: string): string {
    return "secret" + createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/**
 * The placeholders of a config's secrets, for redaction: only the unique string placeholders (a typed
 * number or boolean secret gets its declared default, which cannot be told apart from other values).
 */
export function secretPlaceholders(config: StackConfig): string[] {
    const placeholders = Object.entries(config.entries)
        .filter(([key, entry]) => entry.secret && entry.value.includes(secretPlaceholder(key)))
        .map(([key]) => secretPlaceholder(key));
    return [...new Set(placeholders)].sort();
}

function readYaml(projectDir: string, file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(path.join(projectDir, file), "utf8");
    } catch (error) {
        throw new PlanError(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
        return YAML.parse(text);
    } catch (error) {
        const message = (error as Error).message.split("\n")[0].replace(/:$/, "");
        throw new PlanError(`${file} is not valid YAML: ${message}`);
    }
}

function asMapping(value: unknown, where: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new PlanError(`${where} must be a mapping of keys to values`);
    }
    return value as Record<string, unknown>;
}

/** Keys without a namespace belong to the project (`workspaceName` is `dp100-lab:workspaceName`). */
function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/**
 * A `Pulumi.yaml` config entry: a plain value, or a declaration (`type`, `default`, `description`,
 * `value`, `items`, `secret`) whose `value` or else `default` applies. No value: nothing to pass.
 */
function projectEntry(declared: unknown): ConfigEntry | undefined {
    if (isDeclaration(declared)) {
        if (declared.value !== undefined) {
            return { value: toConfigString(declared.value), secret: false, source: "project" };
        }
        if (declared.default !== undefined) {
            return { value: toConfigString(declared.default), secret: false, source: "project default" };
        }
        return undefined;
    }
    return declared === null || declared === undefined
        ? undefined
        : { value: toConfigString(declared), secret: false, source: "project" };
}

const TYPED_PLACEHOLDERS: Record<string, string> = { integer: "0", boolean: "false" };

const DECLARATION_KEYS = new Set(["type", "default", "description", "value", "items", "secret"]);

function isDeclaration(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) &&
        Object.keys(value).length > 0 && Object.keys(value).every((key) => DECLARATION_KEYS.has(key));
}

/**
 * A stack file value: a scalar, `{ secure: ... }`, or a structured value (passed as JSON). A secret
 * declared in Pulumi.yaml as an integer or boolean gets a value of that type (its default), so that
 * the program's parsing accepts it.
 */
function stackEntry(fullKey: string, raw: unknown, stackFile: string, declared: Record<string, unknown> | undefined): ConfigEntry {
    if (isSecure(raw)) {
        const typed = TYPED_PLACEHOLDERS[String(declared?.type)];
        const value = typed === undefined ? secretPlaceholder(fullKey) : toConfigString(declared?.default ?? typed);
        return { value, secret: true, source: "stack" };
    }
    if (raw === null || raw === undefined) {
        throw new PlanError(`${stackFile}: ${fullKey} has no value`);
    }
    let secret = false;
    // A `secure:` value nested in a structured value makes the whole key secret, as in Pulumi.
    const replaced = replaceSecure(raw, fullKey, () => {
        secret = true;
    });
    return { value: toConfigString(replaced), secret, source: "stack" };
}

function isSecure(value: unknown): boolean {
    return typeof value === "object" && value !== null && !Array.isArray(value) &&
        Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

function replaceSecure(value: unknown, fullKey: string, found: () => void): unknown {
    if (isSecure(value)) {
        found();
        return secretPlaceholder(fullKey);
    }
    if (Array.isArray(value)) {
        return value.map((item) => replaceSecure(item, fullKey, found));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceSecure(item, fullKey, found)]));
    }
    return value;
}

/** Config reaches a Pulumi program as strings; structured values as JSON, as the CLI passes them. */
function toConfigString(value: unknown): string {
    return typeof value === "string" ? value : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}
