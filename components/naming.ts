/**
 * Azure name rules and the names the stack derives from the workspace name.
 *
 * Pure functions only: config validation, the components and the tests all use the same rules, so
 * a name that passes here is one that Azure accepts (rules from ../shared/reference/naming-and-lifecycle.md,
 * the stricter source where two disagree).
 */

/** One Azure naming rule: a pattern that must match the whole name, and the rule in words for errors. */
export interface NameRule {
    readonly resource: string;
    readonly pattern: RegExp;
    readonly description: string;
}

export const NAME_RULES = {
    resourceGroup: {
        resource: "resource group",
        // 1-90 of letters, digits, _ - . ( ); must not end with a period.
        pattern: /^[a-zA-Z0-9_\-.()]{0,89}[a-zA-Z0-9_\-()]$/,
        description: "1-90 characters of letters, digits, '_', '-', '.', '(', ')', not ending with '.'",
    },
    mlWorkspace: {
        resource: "Azure ML workspace",
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
        description: "3-33 characters of letters, digits, '_' and '-', starting with a letter or digit",
    },
    storageAccount: {
        resource: "storage account",
        pattern: /^[a-z0-9]{3,24}$/,
        description: "3-24 lowercase letters and digits",
    },
    keyVault: {
        resource: "key vault",
        pattern: /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/,
        description: "3-24 letters, digits and '-', starting with a letter, ending with a letter or digit, no '--'",
    },
    logAnalytics: {
        resource: "Log Analytics workspace",
        pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/,
        description: "4-63 letters, digits and '-', starting and ending with a letter or digit",
    },
    appInsights: {
        resource: "Application Insights component",
        pattern: /^[^%&\\?/\x00-\x1f]{0,259}[^%&\\?/\x00-\x1f. ]$/,
        description: "1-260 characters without '%', '&', '\\', '?', '/' or control characters, not ending with ' ' or '.'",
    },
    computeInstance: {
        resource: "compute instance",
        // Azure: starts with a letter, letters/digits/'-', and every '-' followed later by a letter.
        pattern: /^[a-zA-Z](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9-]*[a-zA-Z])){2,23}$/,
        description: "3-24 letters, digits and '-', starting with a letter, every '-' followed later by a letter",
    },
} as const satisfies Record<string, NameRule>;

export type NameRuleKey = keyof typeof NAME_RULES;

/** True when `name` satisfies the Azure rule for `kind`. */
export function isValidName(kind: NameRuleKey, name: string): boolean {
    return NAME_RULES[kind].pattern.test(name);
}

/** Length and alphabet of the random suffix that makes global and regional names unique. */
export const NAME_SUFFIX = {
    length: 6,
    /** Lowercase letters and digits: the only characters every suffixed name accepts. */
    pattern: /^[a-z0-9]{6}$/,
} as const;

/** The names the workspace's dependencies and the compute instance get. */
export interface DerivedNames {
    readonly storageAccount: string;
    readonly keyVault: string;
    readonly logAnalytics: string;
    readonly appInsights: string;
    readonly computeInstance: string;
}

/** Lowercase letters and digits only (storage accounts and compute instances accept nothing else safely). */
function alphanumeric(workspaceName: string): string {
    return workspaceName.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Letters, digits and single hyphens ('_' becomes '-'), for key vault and Log Analytics names. */
function hyphenated(workspaceName: string): string {
    return workspaceName.toLowerCase().replace(/_/g, "-").replace(/-{2,}/g, "-");
}

/** Cuts `text` to at most `max` characters and drops hyphens the cut left at the end. */
function cut(text: string, max: number): string {
    return text.slice(0, max).replace(/-+$/, "");
}

/**
 * Derives every dependent name from a valid workspace name and a suffix matching NAME_SUFFIX.
 *
 * Each name is a type prefix, the workspace name cut to what the rule leaves room for, and the suffix.
 * The compute instance name has no '-' at all: its rule wants a letter after every '-', and a random
 * suffix may be all digits.
 */
export function deriveNames(workspaceName: string, suffix: string): DerivedNames {
    const compact = alphanumeric(workspaceName);
    const dashed = hyphenated(workspaceName);
    return {
        storageAccount: `st${cut(compact, 24 - 2 - NAME_SUFFIX.length)}${suffix}`,
        keyVault: `kv-${cut(dashed, 24 - 4 - NAME_SUFFIX.length)}-${suffix}`.replace(/-{2,}/g, "-"),
        logAnalytics: `log-${dashed}-${suffix}`.replace(/-{2,}/g, "-"),
        appInsights: `appi-${workspaceName}-${suffix}`,
        computeInstance: `ci${cut(compact, 24 - 2 - NAME_SUFFIX.length)}${suffix}`,
    };
}
