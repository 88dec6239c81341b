import * as fc from "fast-check";
import { deriveNames, isValidName, NAME_RULES, NAME_SUFFIX, NameRuleKey } from "../components/naming";

/** Every workspace name Azure accepts: 3-33 of [a-zA-Z0-9_-], starting with a letter or digit. */
const workspaceNames = fc.stringMatching(NAME_RULES.mlWorkspace.pattern);
/** Every suffix @pulumi/random can produce with the stack's settings (lowercase letters and digits). */
const suffixes = fc.stringMatching(NAME_SUFFIX.pattern);

const derivedKinds: Array<[keyof ReturnType<typeof deriveNames>, NameRuleKey]> = [
    ["storageAccount", "storageAccount"],
    ["keyVault", "keyVault"],
    ["logAnalytics", "logAnalytics"],
    ["appInsights", "appInsights"],
    ["computeInstance", "computeInstance"],
];

describe("derived names", () => {
    test("the lab's workspace name gives the documented names", () => {
        expect(deriveNames("mlw-dp100-labs", "a1b2c3")).toEqual({
            storageAccount: "stmlwdp100labsa1b2c3",
            keyVault: "kv-mlw-dp100-labs-a1b2c3",
            logAnalytics: "log-mlw-dp100-labs-a1b2c3",
            appInsights: "appi-mlw-dp100-labs-a1b2c3",
            computeInstance: "cimlwdp100labsa1b2c3",
        });
    });

    test.each(derivedKinds)("every %s name satisfies its Azure rule for any workspace name and suffix", (field, rule) => {
        fc.assert(
            fc.property(workspaceNames, suffixes, (workspaceName, suffix) => {
                const name = deriveNames(workspaceName, suffix)[field];
                return isValidName(rule, name);
            }),
            { numRuns: 3000 },
        );
    });

    test.each([
        // The hardest workspace names: longest, all separators, digit-only suffixes, cuts landing on '-'.
        ["A" + "_".repeat(32), "000000"],
        ["9" + "-".repeat(32), "999999"],
        ["a-b_c-d_e-f_g-h_i-j_k-l_m-n_o-p_q", "123456"],
        ["x".repeat(33), "zzzzzz"],
        ["abcdefghijklm-_-_-_", "000000"],
    ])("edge case %s with suffix %s", (workspaceName, suffix) => {
        for (const [field, rule] of derivedKinds) {
            expect([field, isValidName(rule, deriveNames(workspaceName, suffix)[field])]).toEqual([field, true]);
        }
    });

    test("different suffixes give different globally unique names", () => {
        const first = deriveNames("mlw-dp100-labs", "aaaaaa");
        const second = deriveNames("mlw-dp100-labs", "aaaaab");
        expect(first.storageAccount).not.toEqual(second.storageAccount);
        expect(first.keyVault).not.toEqual(second.keyVault);
        expect(first.computeInstance).not.toEqual(second.computeInstance);
    });
});

describe("name rules reject what Azure rejects", () => {
    test.each<[NameRuleKey, string]>([
        ["mlWorkspace", "ab"],
        ["mlWorkspace", "-abc"],
        ["mlWorkspace", "a".repeat(34)],
        ["mlWorkspace", "ws.name"],
        ["resourceGroup", "rg-ends-with."],
        ["resourceGroup", "a".repeat(91)],
        ["resourceGroup", "rg with space"],
        ["storageAccount", "Upper123"],
        ["storageAccount", "st-dash"],
        ["keyVault", "kv--double"],
        ["keyVault", "1kv-starts-digit"],
        ["keyVault", "kv-ends-dash-"],
        ["logAnalytics", "abc"],
        ["logAnalytics", "-log"],
        ["appInsights", "ends-with-dot."],
        ["appInsights", "has/slash"],
        ["computeInstance", "ci-123"],
        ["computeInstance", "1ci"],
        ["computeInstance", "c".repeat(25)],
    ])("%s rejects %j", (kind, name) => {
        expect(isValidName(kind, name)).toBe(false);
    });

    test.each<[NameRuleKey, string]>([
        ["mlWorkspace", "mlw-dp100-labs"],
        ["resourceGroup", "rg-dp100-labs"],
        ["resourceGroup", "rg_(lab).1"],
        ["computeInstance", "ci-lab-a"],
        ["computeInstance", "ci-1-x"],
    ])("%s accepts %j", (kind, name) => {
        expect(isValidName(kind, name)).toBe(true);
    });
});
