/**
 * The workspace's `encryption` setting for a customer-managed key, checked against Azure's rule that
 * the vault holding the key has purge protection.
 *
 * Azure ML refuses to create a workspace whose key vault lacks purge protection ("CMK workspaces should
 * have purge protection enabled on their CMK keyvault"), but only after the create has started and
 * everything it depends on exists. Reading the vault at preview moves that failure to the preview,
 * with a message that says what to do. The vault is read through the provider's subscription; a vault
 * in another subscription cannot be read there, so Azure's own check is left to do the work (with a
 * warning that says so).
 */
import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import type { input } from "@pulumi/azure-native/types";
import { customerManagedKeyProblem, parseKeyVaultId } from "./rules";

export interface CustomerManagedKeyArgs {
    readonly vaultId: pulumi.Input<string>;
    readonly keyUri: pulumi.Input<string>;
    readonly identityId: pulumi.Input<string> | undefined;
    /** The subscription the provider works in (`getClientConfig`). */
    readonly subscriptionId: pulumi.Input<string>;
    /** The component the errors and the invoke belong to. */
    readonly parent: pulumi.Resource;
}

/** The refusal when the key's vault has no purge protection. */
export function purgeProtectionMessage(vaultId: string): string {
    return `MlWorkspace: customerManagedKeyVaultId ${JSON.stringify(vaultId)} has no purge protection: ` +
        "Azure ML requires purge protection on the vault that holds a customer-managed key and refuses to create " +
        "the workspace without it. Turn purge protection on in that vault (irreversible: the vault and its keys " +
        "then stay recoverable, and cannot be purged, for the whole soft-delete period) or use a key from a vault that has it.";
}

/** The warning when the key's vault is in another subscription and cannot be read. */
export function unverifiedVaultMessage(vaultId: string): string {
    return `MlWorkspace: customerManagedKeyVaultId ${JSON.stringify(vaultId)} is in another subscription than the ` +
        "deployment, so its purge protection is not checked at preview; Azure checks it when it creates the workspace.";
}

/**
 * The `encryption` input of the workspace: resolves once the values are known and the vault has been
 * read, and fails with a ResourceError (so the workspace is never sent to Azure) when the values are
 * malformed (checked here again for Outputs, which validation could not see) or purge protection is off.
 */
export function verifiedEncryption(args: CustomerManagedKeyArgs): pulumi.Output<input.machinelearningservices.EncryptionPropertyArgs> {
    return pulumi
        .all([args.vaultId, args.keyUri, args.identityId, args.subscriptionId])
        .apply(async ([vaultId, keyUri, identityId, subscriptionId]) => {
            const problem = customerManagedKeyProblem(vaultId, keyUri, identityId);
            if (problem) {
                throw new pulumi.ResourceError(
                    `MlWorkspace: ${problem.arg} ${JSON.stringify(problem.value)} ${problem.rule}.`,
                    args.parent,
                );
            }
            const vault = parseKeyVaultId(vaultId);
            if (vault && vault.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()) {
                const found = await keyvault.getVault(
                    { resourceGroupName: vault.resourceGroupName, vaultName: vault.vaultName },
                    { parent: args.parent },
                );
                if (found.properties?.enablePurgeProtection !== true) {
                    throw new pulumi.ResourceError(purgeProtectionMessage(vaultId), args.parent);
                }
            } else {
                await pulumi.log.warn(unverifiedVaultMessage(vaultId), args.parent);
            }
            return {
                status: ml.EncryptionStatus.Enabled,
                keyVaultProperties: { keyVaultArmId: vaultId, keyIdentifier: keyUri },
                ...(identityId !== undefined ? { identity: { userAssignedIdentity: identityId } } : {}),
            };
        });
}
