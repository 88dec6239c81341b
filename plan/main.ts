/**
 * `npm run plan`: runs the Pulumi program offline against the engine double with a stack's config, and
 * prints (and optionally writes as JSON or Markdown) what it would deploy. See usage() for the options.
 *
 * Exit status: 0 planned, 1 error (options, stack, config, base plan, or the program failed), 2 a
 * mandatory policy failed (the plan is still printed and written).
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { POLICY_SUMMARY, runPolicies } from "../policy/runner";
import { diffLines, diffPlans, isEmptyDiff } from "./diff";
import { isPlanError, isProgramError, PlanError } from "./errors";
import { buildPlan, Plan, PolicyEvaluator } from "./model";
import { planToJson, readBasePlan } from "./planJson";
import type { ProgramRequest, ProgramResult, ProgramRunner } from "./program";
import { renderMarkdown } from "./renderMarkdown";
import { renderText } from "./renderText";
import { programConfig, readStackConfig } from "./stackConfig";

export const DEFAULT_STACK = "dev";

export const EXIT = { ok: 0, error: 1, mandatoryPolicy: 2 } as const;

export function usage(): string {
    return `Usage: npm run plan -- [--stack NAME] [--json FILE] [--markdown FILE] [--diff BASE.json]

Runs the Pulumi program (index.ts) offline, against an in-process engine double, with a stack's config,
and prints what it would deploy: the resource tree with key settings, the dependency graph, an estimated
deployment time with its critical path, and the policy pack's results. No Pulumi CLI, no Azure
credentials, no network: a plan of the program with fake ids, not Azure's answer.

Options:
  --stack NAME      the stack whose config to use: Pulumi.NAME.yaml over Pulumi.yaml (default: ${DEFAULT_STACK})
  --json FILE       also write the plan as JSON (schema version 1, byte-identical for the same input)
  --markdown FILE   also write the plan as Markdown for a pull-request comment (with a Mermaid graph)
  --diff BASE.json  compare with a plan written earlier by --json: resources and properties added,
                    removed and changed (also in the Markdown)
  -h, --help        show this help

Exit status: 0 planned; 1 error (option, stack, config, base plan, or the program failed);
2 a mandatory policy failed (the plan is still printed and written).
`;
}

/** What main needs from its surroundings; tests replace them. */
export interface MainOptions {
    /** The project directory (Pulumi.yaml and the stack files). Defaults to the current directory. */
    readonly cwd?: string;
    /** Runs the program; defaults to loading it with `require` in this process (once per process). */
    readonly runProgram?: ProgramRunner;
    readonly stdout?: (text: string) => void;
    readonly stderr?: (text: string) => void;
    /** The policy pack; defaults to policy/runner.ts. */
    readonly policies?: PolicyEvaluator;
}

export const DEFAULT_POLICIES: PolicyEvaluator = {
    summary: POLICY_SUMMARY,
    run: (resources) => runPolicies(resources),
};

/** Runs the plan CLI with `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
    const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
    const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
    const cwd = path.resolve(options.cwd ?? process.cwd());
    try {
        const args = parseOptions(argv);
        if (args.help) {
            stdout(usage());
            return EXIT.ok;
        }
        const config = readStackConfig(cwd, args.stack);
        const base = args.diff === undefined ? undefined : readBasePlan(path.resolve(cwd, args.diff), args.diff);
        const runner = options.runProgram ?? requireRunner(path.resolve(cwd, config.main ?? "."));
        const result = await runner({ project: config.project, stack: config.stack, ...programConfig(config) });
        const plan = buildPlan(config, result, options.policies ?? DEFAULT_POLICIES);

        let diff: { lines: string[]; empty: boolean } | undefined;
        if (base !== undefined && args.diff !== undefined) {
            const changes = diffPlans(base, plan);
            diff = { lines: diffLines(changes, `${args.diff} (stack ${base.stack})`), empty: isEmptyDiff(changes) };
        }
        stdout(renderText(plan, diff?.lines));
        if (args.json !== undefined) {
            write(path.resolve(cwd, args.json), planToJson(plan));
        }
        if (args.markdown !== undefined) {
            write(path.resolve(cwd, args.markdown), renderMarkdown(plan, diff));
        }
        return exitStatus(plan);
    } catch (error) {
        if (isPlanError(error)) {
            stderr(`error: ${error.message}\n`);
            return EXIT.error;
        }
        if (isProgramError(error)) {
            stderr(error.userFacing
                ? `error: ${error.message}\n`
                : `error: the program failed: ${error.message}\n${error.detail ?? ""}\n`);
            return EXIT.error;
        }
        throw error;
    }
}

export function exitStatus(plan: Plan): number {
    return plan.policies.mandatory > 0 ? EXIT.mandatoryPolicy : EXIT.ok;
}

interface CliArgs {
    readonly stack: string;
    readonly json?: string;
    readonly markdown?: string;
    readonly diff?: string;
    readonly help: boolean;
}

function parseOptions(argv: readonly string[]): CliArgs {
    let values: Record<string, string | boolean | undefined>;
    try {
        ({ values } = parseArgs({
            args: [...argv],
            options: {
                stack: { type: "string" },
                json: { type: "string" },
                markdown: { type: "string" },
                diff: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (error) {
        // Node's messages run on with advice about "--"; the first sentence is the problem.
        const message = (error as Error).message.split(/\. |\n/)[0].replace(/\.$/, "");
        throw new PlanError(`${message} (see npm run plan -- --help)`);
    }
    for (const name of ["stack", "json", "markdown", "diff"]) {
        if (values[name] === "") {
            throw new PlanError(`--${name} needs a value (see npm run plan -- --help)`);
        }
    }
    return {
        stack: (values.stack as string | undefined) ?? DEFAULT_STACK,
        json: values.json as string | undefined,
        markdown: values.markdown as string | undefined,
        diff: values.diff as string | undefined,
        help: values.help === true,
    };
}

/** Loads the program in this process: fine for the CLI, which runs one plan and exits. */
function requireRunner(programPath: string): ProgramRunner {
    return async (request: ProgramRequest): Promise<ProgramResult> => {
        // A require, not an import(): a CommonJS module under node16 resolution, and jest's
        // module registry decides what it loads.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runWithEngineDouble } = require("./program") as typeof import("./program");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return runWithEngineDouble(request, () => require(programPath));
    };
}

function write(file: string, text: string): void {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    } catch (error) {
        throw new PlanError(`cannot write ${file}: ${(error as Error).message}`);
    }
}
