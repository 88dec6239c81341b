import * as pulumi from "@pulumi/pulumi";
import { ArmClientOptions, purgeWorkspace } from "./arm/armClient";

/**
 * Purge on destroy for an Azure ML workspace.
 *
 * Azure keeps a deleted workspace soft-deleted for 14 days with its name taken, so a lab destroyed
 * today could not be deployed again tomorrow under the same fixed name. azure-native has no purge
 * switch, so this dynamic resource does it: its delete sends `DELETE ...?forceToPurge=true` and waits
 * until Azure has finished.
 *
 * The ordering that makes it work (see MlWorkspace): the workspace is registered with `retainOnDelete`,
 * this resource depends on the workspace, and everything inside the workspace depends on this resource.
 * On destroy the contents go first, then this resource purges the workspace (and everything left in
 * it), and the workspace resource only leaves the state. Resource hooks are no substitute: they need
 * `pulumi destroy --run-program` and a failing after-delete hook only warns; a failing purge here fails
 * the destroy and stays in the state, so the next destroy tries again.
 */

/** The inputs of the purge resource: what identifies the workspace and what forces its replacement. */
export interface WorkspacePurgeArgs {
    /** Required. The workspace's subscription. */
    readonly subscriptionId: pulumi.Input<string>;
    /** Required. The workspace's resource group. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The workspace name. */
    readonly workspaceName: pulumi.Input<string>;
    /**
     * Required. The ARM ids that cannot change on a live workspace (storage account, key vault). When
     * one changes the workspace is replaced, and so is this resource, first: its delete purges the old
     * workspace so that the new one can take the name.
     */
    readonly immutableWorkspaceSettings: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The plain values the provider receives. */
interface PurgeInputs {
    subscriptionId: string;
    resourceGroupName: string;
    workspaceName: string;
    immutableWorkspaceSettings: Record<string, string>;
}

const IDENTITY_KEYS = ["subscriptionId", "resourceGroupName", "workspaceName", "immutableWorkspaceSettings"] as const;

/** How long a destroy waits for Azure's purge: the Bicep module's cleanup polls for up to an hour. */
export const WORKSPACE_PURGE_TIMEOUT_MINUTES = 60;

/**
 * The provider, built by a function so tests can point it at a fake ARM server. Pulumi serializes its
 * methods as closures (pulumi/pulumi#13960): they use nothing but the ARM client, which `require`s its
 * Azure SDKs inside its own functions.
 */
export function workspacePurgeProvider(clientOptions: ArmClientOptions = {}): pulumi.dynamic.ResourceProvider {
    return {
        async check(_olds: PurgeInputs, news: PurgeInputs): Promise<pulumi.dynamic.CheckResult> {
            const failures = IDENTITY_KEYS.filter((key) => key !== "immutableWorkspaceSettings")
                .filter((key) => typeof news[key] !== "string" || news[key].trim() === "")
                .map((key) => ({ property: key, reason: `${key} must be a non-empty string` }));
            return { inputs: news, failures };
        },

        async create(inputs: PurgeInputs): Promise<pulumi.dynamic.CreateResult> {
            // Nothing to do in Azure: this resource only exists to act on delete.
            const id = `/subscriptions/${inputs.subscriptionId}/resourceGroups/${inputs.resourceGroupName}` +
                `/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}#purge-on-destroy`;
            return { id, outs: inputs };
        },

        async diff(_id: string, olds: PurgeInputs, news: PurgeInputs): Promise<pulumi.dynamic.DiffResult> {
            const replaces = IDENTITY_KEYS.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
            // Any change means another workspace: purge the old one (delete first) before the new exists.
            return { changes: replaces.length > 0, replaces, deleteBeforeReplace: true };
        },

        async delete(_id: string, props: PurgeInputs): Promise<void> {
            const result = await purgeWorkspace(
                {
                    subscriptionId: props.subscriptionId,
                    resourceGroupName: props.resourceGroupName,
                    workspaceName: props.workspaceName,
                },
                { timeoutMs: WORKSPACE_PURGE_TIMEOUT_MINUTES * 60 * 1000, ...clientOptions },
            );
            pulumi.log.info(
                `workspace ${props.workspaceName}: ${result.outcome === "purged" ? "purged" : "already gone, nothing to purge"} ` +
                `(${result.requests} requests, ${Math.round(result.elapsedMs / 1000)} s)`,
            );
        },
    };
}

/**
 * Purges its workspace when it is deleted (on `pulumi destroy`, or before the workspace is replaced).
 * Reads Azure credentials when it runs, through `@azure/identity`'s DefaultAzureCredential: the
 * `AZURE_*` variables, workload or managed identity, or the Azure CLI login (not azure-native's `ARM_*`).
 */
export class WorkspacePurge extends pulumi.dynamic.Resource {
    constructor(name: string, args: WorkspacePurgeArgs, opts?: pulumi.CustomResourceOptions) {
        super(workspacePurgeProvider(), name, args, {
            ...opts,
            customTimeouts: { delete: `${WORKSPACE_PURGE_TIMEOUT_MINUTES + 5}m` },
        }, "mllab", "WorkspacePurge");
    }
}
