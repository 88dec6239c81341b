/**
 * The GitHub Actions workflows, parsed: triggers, least permissions, pinned actions, the commands they
 * run, Azure OIDC and environment protection. GitHub only tells us by failing a run; these fail first.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.join(__dirname, "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    readonly name?: string;
    readonly id?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
    readonly "working-directory"?: string;
}

interface Job {
    readonly name?: string;
    readonly if?: string;
    readonly needs?: string | string[];
    readonly environment?: string | { name: string };
    readonly permissions?: Record<string, string>;
    readonly env?: Record<string, string>;
    readonly steps: Step[];
}

interface Workflow {
    readonly name: string;
    readonly on: Record<string, unknown>;
    readonly permissions?: Record<string, string>;
    readonly concurrency?: { group: string; "cancel-in-progress"?: boolean };
    readonly jobs: Record<string, Job>;
}

const FILES = ["pull-request.yml", "pr-comment.yml", "preview.yml", "deploy.yml", "destroy.yml"] as const;
type FileName = (typeof FILES)[number];

const text = (file: string): string => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const load = (file: FileName): Workflow => parse(text(file)) as Workflow;
const all = (): Array<[FileName, Workflow]> => FILES.map((file) => [file, load(file)]);
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps);
const stepUsing = (job: Job, action: string): Step => {
    const found = job.steps.filter((step) => step.uses?.startsWith(`${action}@`));
    if (found.length !== 1) {
        throw new Error(`expected one step using ${action}, found ${found.length}`);
    }
    return found[0];
};
const indexOf = (job: Job, predicate: (step: Step) => boolean): number => {
    const index = job.steps.findIndex(predicate);
    if (index < 0) {
        throw new Error("no such step");
    }
    return index;
};
const runs = (job: Job): string => job.steps.map((step) => step.run ?? "").join("\n");

describe("the workflow files", () => {
    it("are exactly the five documented ones, each with a name", () => {
        expect(fs.readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file)).sort()).toEqual([...FILES].sort());
        for (const [, workflow] of all()) {
            expect(typeof workflow.name).toBe("string");
        }
    });

    it("never use pull_request_target (it would run with write permission on fork code)", () => {
        for (const file of FILES) {
            expect(text(file)).not.toMatch(/pull_request_target/);
            expect(Object.keys(load(file).on)).not.toContain("pull_request_target");
        }
    });

    it("grant nothing at the top level beyond contents: read, and every job states its own permissions", () => {
        for (const [file, workflow] of all()) {
            const top = workflow.permissions;
            expect([{}, { contents: "read" }]).toContainEqual(top);
            for (const [name, job] of Object.entries(workflow.jobs)) {
                expect({ file, name, permissions: job.permissions !== undefined }).toEqual({ file, name, permissions: true });
            }
        }
    });

    it("grant write permissions only where they are needed", () => {
        const writes = all().flatMap(([file, workflow]) =>
            Object.entries(workflow.jobs).flatMap(([name, job]) =>
                Object.entries(job.permissions ?? {})
                    .filter(([, level]) => level === "write")
                    .map(([scope]) => `${file}:${name}:${scope}`)),
        ).sort();
        expect(writes).toEqual([
            "deploy.yml:up:id-token",
            "destroy.yml:destroy:id-token",
            "pr-comment.yml:comment:pull-requests",
            "preview.yml:preview:id-token",
            "preview.yml:preview:pull-requests",
        ]);
    });

    it("pin every action, first-party included, to a full commit SHA with its version in a comment", () => {
        const pins = new Map<string, string>();
        for (const file of FILES) {
            const lines = text(file).split("\n").filter((line) => /^\s*(-\s+)?uses:/.test(line));
            expect(lines.length).toBeGreaterThan(0);
            for (const line of lines) {
                const match = /uses:\s+([A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)\s*$/.exec(line);
                expect({ file, line, pinned: match !== null }).toEqual({ file, line, pinned: true });
                const [, action, sha, version] = match as RegExpExecArray;
                const seen = pins.get(action);
                // One action, one pin across the workflows.
                expect(seen ?? `${sha} ${version}`).toBe(`${sha} ${version}`);
                pins.set(action, `${sha} ${version}`);
            }
        }
        for (const [, workflow] of all()) {
            for (const step of steps(workflow).filter((candidate) => candidate.uses !== undefined)) {
                expect(step.uses).toMatch(/^[^@\s]+@[0-9a-f]{40}$/);
            }
        }
    });

    it("never expand ${{ }} expressions inside run scripts (values reach scripts through env)", () => {
        for (const [file, workflow] of all()) {
            for (const step of steps(workflow).filter((candidate) => candidate.run !== undefined)) {
                expect({ file, step: step.name, expands: step.run?.includes("${{") }).toEqual({ file, step: step.name, expands: false });
            }
        }
    });

    it("run the same Pulumi CLI as the @pulumi/pulumi that package.json pins", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        for (const file of ["preview.yml", "deploy.yml", "destroy.yml"] as const) {
            for (const job of Object.values(load(file).jobs).filter((candidate) => candidate.steps.some((step) => step.uses?.startsWith("pulumi/actions@")))) {
                expect(stepUsing(job, "pulumi/actions").with?.["pulumi-version"]).toBe(pkg.dependencies["@pulumi/pulumi"]);
            }
        }
    });
});

describe("pull-request.yml", () => {
    const workflow = load("pull-request.yml");
    const job = workflow.jobs["test-and-plan"];

    it("runs on every pull request and nothing else, with a read-only token", () => {
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        expect(workflow.on.pull_request).toBeNull();
        expect(workflow.permissions).toEqual({ contents: "read" });
        expect(job.permissions).toEqual({ contents: "read" });
    });

    it("checks out the pull request and, in a separate directory, its base branch, without persisting the token", () => {
        const checkouts = job.steps.filter((step) => step.uses?.startsWith("actions/checkout@"));
        expect(checkouts.map((step) => step.with)).toEqual([
            { path: "head", "persist-credentials": false },
            { ref: "${{ github.event.pull_request.base.sha }}", path: "base", "persist-credentials": false },
        ]);
    });

    it("sets up Node from .nvmrc, installs the Python test tools, and runs npm ci then npm test", () => {
        expect(stepUsing(job, "actions/setup-node").with).toMatchObject({ "node-version-file": "head/.nvmrc" });
        expect(runs(job)).toMatch(/apt-get install -y --no-install-recommends python3-pandas python3-sklearn python3-pytest/);
        const install = indexOf(job, (step) => step.run === "npm ci --no-audit --no-fund" && step["working-directory"] === "head");
        const test = indexOf(job, (step) => step.run === "npm test" && step["working-directory"] === "head");
        expect(install).toBeLessThan(test);
    });

    it("plans the base branch with its own code, then the pull request with JSON, Markdown and the diff against it", () => {
        const base = job.steps[indexOf(job, (step) => step.id === "base")];
        expect(base["working-directory"]).toBe("base");
        expect(base.run).toMatch(/npm run plan -- --json "\$OUT\/base-plan\.json"/);
        const plan = job.steps[indexOf(job, (step) => step.id === "plan")];
        expect(plan["working-directory"]).toBe("head");
        expect(plan.run).toMatch(/args=\(--json "\$OUT\/plan\.json" --markdown "\$OUT\/plan\.md"\)/);
        expect(plan.run).toMatch(/args\+=\(--diff "\$BASE_PLAN"\)/);
        expect(plan.run).toMatch(/npm run plan -- "\$\{args\[@\]\}"/);
        expect(plan.env).toEqual({ BASE_PLAN: "${{ steps.base.outputs.plan }}" });
        expect(indexOf(job, (step) => step.id === "base")).toBeLessThan(indexOf(job, (step) => step.id === "plan"));
    });

    it("uploads the plan and the pull request number as one artifact, even when tests failed", () => {
        expect(runs(job)).toMatch(/printf '%s\\n' "\$PR_NUMBER" > "\$OUT\/pr-number"/);
        const upload = stepUsing(job, "actions/upload-artifact");
        expect(upload.if).toBe("${{ !cancelled() }}");
        expect(upload.with).toMatchObject({ name: "offline-plan", path: "${{ runner.temp }}/plan/" });
    });

    it("fails the job when the plan fails or a mandatory policy is violated, after the upload", () => {
        const last = job.steps[job.steps.length - 1];
        expect(last.if).toBe("${{ !cancelled() && steps.plan.outputs.status != '0' }}");
        expect(last.run).toMatch(/exit 1/);
    });
});

describe("pr-comment.yml", () => {
    const workflow = load("pr-comment.yml");
    const job = workflow.jobs.comment;

    it("runs when the Pull request workflow completes, for pull_request runs only", () => {
        expect(workflow.on).toEqual({ workflow_run: { workflows: [load("pull-request.yml").name], types: ["completed"] } });
        expect(job.if).toMatch(/github\.event\.workflow_run\.event == 'pull_request'/);
    });

    it("may write pull-request comments and read the run's artifact, nothing more", () => {
        expect(workflow.permissions).toEqual({});
        expect(job.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    });

    it("never checks out or runs the pull request's code", () => {
        for (const step of job.steps) {
            expect(step.uses ?? "").not.toMatch(/^actions\/checkout@/);
            expect(step.run).toBeUndefined();
        }
        expect(text("pr-comment.yml")).not.toMatch(/npm |node |actions\/checkout/);
    });

    it("downloads the artifact of the triggering run", () => {
        expect(stepUsing(job, "actions/download-artifact").with).toMatchObject({
            name: "offline-plan",
            "run-id": "${{ github.event.workflow_run.id }}",
            "github-token": "${{ github.token }}",
        });
    });

    it("validates the pull request number, checks the head, and keeps one comment found by its marker", () => {
        const script = String(stepUsing(job, "actions/github-script").with?.script);
        expect(script).toContain("/^[1-9][0-9]{0,9}$/.test(prText)");
        expect(script).toContain("pull.head.sha !== run.head_sha");
        expect(script).toContain('const MARKER = "<!-- dp100-lab-plan -->";');
        expect(script).toMatch(/issues\.updateComment/);
        expect(script).toMatch(/issues\.createComment/);
    });
});

/**
 * The jobs that reach Azure: OIDC for azure-native, azure/login for the Azure SDKs, state in blob
 * storage. The preview runs the pull request's code, so it may sign in as a read-only identity.
 */
const AZURE_JOBS: Array<[FileName, string, string]> = [
    ["preview.yml", "preview", "${{ vars.AZURE_PREVIEW_CLIENT_ID || vars.AZURE_CLIENT_ID }}"],
    ["deploy.yml", "up", "${{ vars.AZURE_CLIENT_ID }}"],
    ["destroy.yml", "destroy", "${{ vars.AZURE_CLIENT_ID }}"],
];

describe.each(AZURE_JOBS)("%s, job %s (Azure)", (file, jobName, clientId) => {
    const job = load(file).jobs[jobName];

    it("uses Azure OIDC: id-token write, ARM_USE_OIDC and the ARM_* ids from repository variables", () => {
        expect(job.permissions).toMatchObject({ "id-token": "write", contents: "read" });
        expect(job.env).toMatchObject({
            ARM_USE_OIDC: "true",
            ARM_CLIENT_ID: clientId,
            ARM_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
            ARM_SUBSCRIPTION_ID: "${{ vars.AZURE_SUBSCRIPTION_ID }}",
            PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        });
    });

    it("installs dependencies and signs in with azure/login before running pulumi/actions", () => {
        const pulumi = indexOf(job, (step) => step.uses?.startsWith("pulumi/actions@") === true);
        expect(indexOf(job, (step) => step.run === "npm ci --no-audit --no-fund")).toBeLessThan(pulumi);
        expect(indexOf(job, (step) => step.uses?.startsWith("azure/login@") === true)).toBeLessThan(pulumi);
        expect(stepUsing(job, "azure/login").with).toEqual({
            "client-id": clientId,
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        });
    });

    it("keeps state in Azure Blob Storage named by repository variables", () => {
        const url = "azblob://${{ vars.PULUMI_STATE_CONTAINER }}?storage_account=${{ vars.PULUMI_STATE_STORAGE_ACCOUNT }}";
        expect(stepUsing(job, "pulumi/actions").with?.["cloud-url"]).toBe(url);
        expect(job.env?.PULUMI_BACKEND_URL).toBe(url);
        expect(stepUsing(job, "pulumi/actions").with?.["stack-name"]).toBe("${{ vars.PULUMI_STACK || 'dev' }}");
    });
});

describe("preview.yml", () => {
    const workflow = load("preview.yml");

    it("runs the real preview with the policy pack and a PR comment, for same-repository pull requests when Azure is configured", () => {
        expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
        const job = workflow.jobs.preview;
        expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository && vars.AZURE_CLIENT_ID != ''");
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
        expect(stepUsing(job, "pulumi/actions").with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policy" });
    });

    it("otherwise prints a visible notice saying why the real preview was skipped", () => {
        const job = workflow.jobs["preview-skipped"];
        expect(job.if).toBe("github.event.pull_request.head.repo.full_name != github.repository || vars.AZURE_CLIENT_ID == ''");
        expect(job.permissions).toEqual({});
        expect(runs(job)).toContain('echo "::notice title=Real preview skipped::$message"');
        expect(runs(job)).toMatch(/comes from a fork/);
        expect(runs(job)).toMatch(/AZURE_CLIENT_ID is empty/);
    });

    it("points at a policy pack directory that exists", () => {
        expect(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"))).toBe(true);
    });
});

describe("deploy.yml", () => {
    const workflow = load("deploy.yml");
    const job = workflow.jobs.up;

    it("runs pulumi up with the policy pack on pushes to main only, behind the production environment", () => {
        expect(workflow.on).toEqual({ push: { branches: ["main"] } });
        expect(job.environment).toBe("production");
        expect(stepUsing(job, "pulumi/actions").with).toMatchObject({ command: "up", policyPacks: "policy" });
    });

    it("never overlaps another deployment or a destroy of the same stack, and never cancels one", () => {
        expect(workflow.concurrency).toEqual({ group: "pulumi-${{ vars.PULUMI_STACK || 'dev' }}", "cancel-in-progress": false });
        expect(load("destroy.yml").concurrency).toEqual(workflow.concurrency);
    });

    it("says so with a notice when Azure is not configured", () => {
        expect(job.if).toBe("vars.AZURE_CLIENT_ID != ''");
        expect(workflow.jobs["up-skipped"].if).toBe("vars.AZURE_CLIENT_ID == ''");
        expect(runs(workflow.jobs["up-skipped"])).toContain("::notice title=Deployment skipped::");
    });
});

describe("destroy.yml", () => {
    const workflow = load("destroy.yml");
    const job = workflow.jobs.destroy;

    it("is started by hand only, with a required confirm input", () => {
        expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch"]);
        expect(workflow.on.workflow_dispatch).toMatchObject({ inputs: { confirm: { required: true, type: "string" } } });
    });

    it("destroys only after the confirm input matched the stack name, behind the production environment", () => {
        const confirm = workflow.jobs.confirm;
        expect(confirm.permissions).toEqual({});
        expect(confirm.steps[0].env).toMatchObject({ CONFIRM: "${{ inputs.confirm }}", STACK: "${{ vars.PULUMI_STACK || 'dev' }}" });
        expect(confirm.steps[0].run).toContain('if [ "$CONFIRM" != "$STACK" ]; then');
        expect(job.needs).toBe("confirm");
        expect(job.environment).toBe("production");
        expect(stepUsing(job, "pulumi/actions").with).toMatchObject({ command: "destroy" });
    });

    it("gives the purge-on-destroy provider's DefaultAzureCredential what it can use: the Azure CLI login and AZURE_* ids", () => {
        expect(job.env).toMatchObject({
            AZURE_TOKEN_CREDENTIALS: "dev",
            AZURE_CLIENT_ID: "${{ vars.AZURE_CLIENT_ID }}",
            AZURE_TENANT_ID: "${{ vars.AZURE_TENANT_ID }}",
        });
        expect(text("destroy.yml")).toMatch(/AZURE_FEDERATED_TOKEN_FILE, which GitHub Actions does not provide/);
    });
});
