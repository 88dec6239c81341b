/**
 * Secrets in the plan: every value Pulumi marks as secret, and every string that contains the
 * placeholder of a `secure:` config value, is shown as [secret]. The plan never has a `secure:` value's
 * plaintext (nothing decrypts it); a secret the program makes itself (`pulumi.secret(...)`) arrives in
 * Pulumi's secret envelope and is replaced before anything renders it.
 */

/** What every renderer prints in place of a secret. */
export const SECRET_TEXT = "[secret]";

/**
 * Pulumi's marker of special values in serialized properties, and the signature of a secret: a
 * deserialized secret input is `{ [SPECIAL_SIG_KEY]: SECRET_SIG, value }` (see @pulumi/pulumi
 * runtime/rpc: specialSigKey, specialSecretSig).
 */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True for Pulumi's secret envelope. */
export function isSecretEnvelope(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
}

/**
 * A value with every secret replaced by [secret] and object keys sorted (so that renderings are stable):
 * secret envelopes, and strings that contain one of `placeholders`.
 */
export function redact(value: unknown, placeholders: readonly string[]): unknown {
    if (isSecretEnvelope(value)) {
        return SECRET_TEXT;
    }
    if (typeof value === "string") {
        return placeholders.some((placeholder) => value.includes(placeholder)) ? SECRET_TEXT : value;
    }
    if (Array.isArray(value)) {
        return value.map((item) => redact(item, placeholders));
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(
            Object.keys(record)
                .sort()
                .filter((key) => record[key] !== undefined)
                .map((key) => [key, redact(record[key], placeholders)]),
        );
    }
    return value;
}

/**
 * The plaintext strings inside secret envelopes (a program's own secrets), so that text built from
 * them elsewhere (a policy's message) can be scrubbed too.
 */
export function secretStrings(value: unknown, inside = false): string[] {
    if (isSecretEnvelope(value)) {
        return secretStrings(value.value, true);
    }
    if (typeof value === "string" || typeof value === "number") {
        // Short values ("1", "true") would scrub unrelated text; they are still never printed as inputs.
        return inside && String(value).length >= 4 ? [String(value)] : [];
    }
    if (typeof value === "object" && value !== null) {
        return Object.values(value).flatMap((item) => secretStrings(item, inside));
    }
    return [];
}

/** Text with every occurrence of the given secret strings replaced by [secret]. */
export function scrub(text: string, secrets: readonly string[]): string {
    return [...secrets].sort((a, b) => b.length - a.length).reduce((result, secret) => result.split(secret).join(SECRET_TEXT), text);
}
