import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as monitor from "@pulumi/azure-native/monitor";
import type * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import { deriveNames, isValidName, NAME_RULES, NAME_SUFFIX } from "./naming";
import { firstProblem, integerRangeProblem, ReportProblem } from "./validation";
import { verifiedEncryption } from "./workspace/customerManagedKey";
import { createPrivateNetworking } from "./workspace/privateNetworking";
import { ArgProblem, customerManagedKeyProblem, isStorageIpRule, parseSubnetId, RULES } from "./workspace/rules";
import { WorkspacePurge } from "./workspacePurge";

/**
 * The outbound isolation modes of Azure's managed virtual network for a workspace. Either one is
 * irreversible: a workspace can move from AllowInternetOutbound to AllowOnlyApprovedOutbound, but
 * never back, and never back to no managed network.
 */
export const ManagedNetworkIsolationMode = {
    /** Computes in the managed network reach the internet freely. */
    AllowInternetOutbound: "AllowInternetOutbound",
    /**
     * Computes reach only approved destinations: Azure's required services and the outbound rules
     * added to the workspace (FQDN rules bring an Azure Firewall, billed while it exists).
     */
    AllowOnlyApprovedOutbound: "AllowOnlyApprovedOutbound",
} as const;
export type ManagedNetworkIsolationMode = (typeof ManagedNetworkIsolationMode)[keyof typeof ManagedNetworkIsolationMode];

/** The management lock levels a workspace can get. */
export const WorkspaceLockLevel = {
    /** Nobody can delete the workspace or anything in it (computes, jobs, assets) while the lock exists. */
    CanNotDelete: "CanNotDelete",
    /**
     * Nobody can change or delete the workspace or anything in it, nor create anything in it (computes,
     * jobs, assets) or list its keys: for a workspace whose contents are final.
     */
    ReadOnly: "ReadOnly",
} as const;
export type WorkspaceLockLevel = (typeof WorkspaceLockLevel)[keyof typeof WorkspaceLockLevel];

/**
 * Why uploads from the deploying machine (the training pipeline's data and code, sent as blobs) cannot
 * reach a workspace whose `storagePublicNetworkAccess` is false. Stacks that upload should refuse
 * such a workspace with this text before creating anything that uploads.
 */
export const STORAGE_CLOSED_TO_UPLOADS =
    "the workspace's storage account admits no internet traffic (privateEndpointSubnetId without " +
    "storageAllowedIpRanges), and the training pipeline uploads its data and code to it from the deploying " +
    "machine: list that machine's public IP address in storageAllowedIpRanges, or leave the pipeline out.";

/** Arguments of {@link MlWorkspace}. */
export interface MlWorkspaceArgs {
    /** Required. The resource group that holds the workspace and its dependencies. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The Azure region of every resource, e.g. `westeurope`. */
    readonly location: pulumi.Input<string>;
    /**
     * Required. The workspace name (3-33 letters, digits, `_`, `-`). The storage account, key vault, Log
     * Analytics and Application Insights names are derived from it plus a random suffix made once.
     */
    readonly workspaceName: string;
    /** Optional. Days Log Analytics keeps data (30-730). Defaults to 30. */
    readonly logAnalyticsRetentionDays?: number;
    /** Optional. Daily ingestion cap of Log Analytics in GB (1-10000). Defaults to no cap. */
    readonly logAnalyticsDailyCapGb?: number;
    /** Optional. Days a deleted key vault stays recoverable, its name reserved (7-90). Defaults to 7. */
    readonly keyVaultSoftDeleteRetentionDays?: number;
    /**
     * Optional. Turns on purge protection of the component's own key vault (the workspace's secrets).
     * Irreversible: once on, it can never be turned off, and the vault and its name stay reserved for the
     * whole retention period after a destroy. Not needed for a customer-managed key, which lives in a vault
     * of yours whose purge protection is checked instead (see `customerManagedKeyVaultId`).
     * Defaults to false (the property is left out, which Azure reads as off).
     */
    readonly keyVaultPurgeProtection?: boolean;
    /**
     * Optional. Permanently deletes (purges) the workspace on destroy and before a replacement, so its
     * fixed name is free again at once instead of staying taken by a soft-deleted workspace for 14 days.
     * Needs Azure credentials for `@azure/identity` at destroy time. Cannot be combined with `protect`.
     * Defaults to false (the lab turns it on).
     */
    readonly purgeOnDestroy?: boolean;
    /**
     * Optional. Sets Pulumi's `protect` on the workspace, storage account and key vault, so no `pulumi
     * destroy` or replacement can delete them until it is turned off. Cannot be combined with
     * `purgeOnDestroy`. Defaults to false.
     */
    readonly protect?: boolean;
    /**
     * Optional. Tags for every resource the component makes that takes tags (all but the random
     * suffix, the purge resource, the private DNS zone groups, the diagnostic setting and the lock).
     * Defaults to none.
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Optional. Closes the workspace, its storage account and its key vault to the internet and reaches
     * them through private endpoints in this subnet (its ARM id, `/subscriptions/.../resourceGroups/...
     * /providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>`; the network must be in
     * `location`). Makes four private endpoints (workspace `amlworkspace`, storage `blob` and `file`, key
     * vault `vault`) and the five private DNS zones they need (`privatelink.api.azureml.ms`,
     * `privatelink.notebooks.azure.net`, `privatelink.blob.core.windows.net`,
     * `privatelink.file.core.windows.net`, `privatelink.vaultcore.azure.net`; in the resource group, so
     * one such workspace per group), linked to the subnet's network. The workspace's public network
     * access is turned off; the storage account and key vault get firewalls that deny the internet and
     * let trusted Azure services through (the storage firewall also admits this workspace by name, and
     * `storageAllowedIpRanges`). Computes and people then reach the workspace from inside that network
     * (or one peered with it): give compute a subnet there. Cannot be combined with
     * `managedNetworkIsolationMode`. Defaults to none: everything is reachable from the internet.
     */
    readonly privateEndpointSubnetId?: pulumi.Input<string>;
    /**
     * Conditional. Only with `privateEndpointSubnetId`. Public IPv4 addresses or ranges (`203.0.113.7`,
     * `203.0.113.0/24`; no private, IPv6, /31 or /32) that the storage firewall lets through from the
     * internet. This is how a deploying machine outside the network uploads blobs (the training
     * pipeline's data and code). Defaults to none: no internet address gets through.
     */
    readonly storageAllowedIpRanges?: string[];
    /**
     * Optional. Puts the workspace's computes in Azure's managed virtual network with this outbound
     * isolation. Irreversible: Azure never turns a managed network off again, nor goes back from
     * AllowOnlyApprovedOutbound to AllowInternetOutbound; removing or loosening this setting later does not
     * reopen the workspace (the update is refused or has no effect); only a new workspace does. Inbound
     * access is unchanged (public). Cannot be combined with `privateEndpointSubnetId`. Defaults to none
     * (no managed network).
     */
    readonly managedNetworkIsolationMode?: ManagedNetworkIsolationMode;
    /**
     * Conditional. Required with `customerManagedKeyUri`. The ARM id of the key vault that holds the
     * customer-managed key (a vault you manage, not the component's own). Azure requires purge protection
     * on it: the component reads the vault at preview (the deploying identity needs read access to it) and
     * refuses one without (a vault in another subscription is not read; Azure checks it at creation).
     * Encryption is fixed when the workspace is created: setting it on an existing workspace, or taking
     * it away, is refused by Azure; moving to a key in another vault replaces the workspace, with
     * everything in it. Defaults to none (Microsoft-managed keys).
     */
    readonly customerManagedKeyVaultId?: pulumi.Input<string>;
    /**
     * Conditional. Required with `customerManagedKeyVaultId`. The key's identifier in that vault,
     * `https://<vault>.vault.azure.net/keys/<key>/<version>` (the version may be left out). A key or
     * version in the same vault updates the workspace in place. Defaults to none.
     */
    readonly customerManagedKeyUri?: pulumi.Input<string>;
    /**
     * Optional. Only with a customer-managed key. The ARM id of a user-assigned identity that reads the
     * key; it is added to the workspace's identities (the system-assigned one stays). It needs Get, Wrap
     * Key and Unwrap Key on the key (RBAC: Key Vault Crypto Service Encryption User) before the workspace
     * is created, which a system-assigned identity cannot have, as it does not exist yet. Defaults to
     * none: Azure reads the key with its own service identities, which the key's vault must already
     * allow (Get, Wrap Key, Unwrap Key; see Azure ML's customer-managed key documentation).
     */
    readonly customerManagedKeyIdentityId?: pulumi.Input<string>;
    /**
     * Optional. Sends the workspace's logs (category group `allLogs`) and metrics (`AllMetrics`) to the
     * component's Log Analytics workspace through a diagnostic setting. Defaults to false.
     */
    readonly diagnosticSettings?: boolean;
    /**
     * Optional. Puts a management lock of this level on the workspace. A lock binds Pulumi too: while it
     * exists, `pulumi destroy` and replacements of the workspace or of anything in it (a compute
     * instance, for one) fail; set it off and run `pulumi up` first. ReadOnly also blocks creating
     * anything in the workspace. Needs `Microsoft.Authorization/locks/write` (Owner or User Access
     * Administrator). Cannot be combined with `purgeOnDestroy`. Defaults to none.
     */
    readonly lock?: WorkspaceLockLevel;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const ML_WORKSPACE_DEFAULTS = {
    logAnalyticsRetentionDays: 30,
    keyVaultSoftDeleteRetentionDays: 7,
    keyVaultPurgeProtection: false,
    purgeOnDestroy: false,
    protect: false,
    diagnosticSettings: false,
} as const;

/**
 * How long Pulumi waits on the workspace: Azure usually creates one in 2-3 minutes and deletes it in
 * 1-2; the margin absorbs a slow region without waiting azure-native's default two hours.
 */
export const ML_WORKSPACE_TIMEOUTS = { create: "30m", update: "30m", delete: "30m" } as const;

/** Each workspace component's contents dependency (see MlWorkspace.contentsDependency). */
const CONTENTS_DEPENDENCY = new WeakMap<pulumi.ComponentResource, pulumi.Resource>();

/**
 * An Azure Machine Learning workspace with the dependencies the portal creates for it: a storage
 * account, a key vault, and a workspace-based Application Insights on a Log Analytics workspace of its
 * own (classic App Insights is retired; without one Azure makes a managed workspace that destroy would
 * never remove). No container registry: Azure makes one at the first container deployment.
 *
 * On request: private endpoints in a subnet of yours, or Azure's managed network; a customer-managed
 * key; diagnostic settings; a management lock.
 */
export class MlWorkspace extends pulumi.ComponentResource {
    /** The workspace name. */
    public readonly workspaceName: pulumi.Output<string>;
    /** The workspace's ARM resource id. */
    public readonly workspaceId: pulumi.Output<string>;
    /** The workspace's immutable GUID (names its default blob container, `azureml-blobstore-<guid>`). */
    public readonly workspaceGuid: pulumi.Output<string>;
    /** The Entra tenant of the deployment, for studio links. */
    public readonly tenantId: pulumi.Output<string>;
    /** The random suffix of every derived name, made once and then stable. */
    public readonly nameSuffix: pulumi.Output<string>;
    /** The storage account name. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** The key vault name. */
    public readonly keyVaultName: pulumi.Output<string>;
    /** The Log Analytics workspace's ARM resource id. */
    public readonly logAnalyticsWorkspaceId: pulumi.Output<string>;
    /** The Application Insights component name. */
    public readonly appInsightsName: pulumi.Output<string>;
    /** The workspace resource itself. */
    public readonly workspace: ml.Workspace;
    /**
     * What everything created inside the workspace must depend on: the purge resource when purge on
     * destroy is on (so contents are deleted before the purge), else the workspace. A getter, not a
     * field: Pulumi's schema inference would publish a field as an output of a type other languages
     * cannot use.
     */
    public get contentsDependency(): pulumi.Resource {
        const dependency = CONTENTS_DEPENDENCY.get(this);
        if (!dependency) {
            throw new Error("MlWorkspace: its workspace is not built yet");
        }
        return dependency;
    }
    /** The principal id of the workspace's system-assigned identity, for role assignments. */
    public readonly workspacePrincipalId: pulumi.Output<string>;
    /** The ARM id of the workspace's private endpoint; undefined without `privateEndpointSubnetId`. */
    public readonly workspacePrivateEndpointId: pulumi.Output<string> | undefined;
    /**
     * True when machines on the internet can reach the storage account's data (blobs, files): anyone
     * without `privateEndpointSubnetId`; with it, only the addresses in `storageAllowedIpRanges`, so true
     * only when that list is set. False means blob uploads from a machine outside the virtual network
     * cannot get through (see STORAGE_CLOSED_TO_UPLOADS). Not Azure's `publicNetworkAccess` property of
     * the account, which stays Enabled: its firewall is what closes it.
     */
    public readonly storagePublicNetworkAccess: boolean;

    constructor(name: string, args: MlWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:MlWorkspace", name, {}, opts);
        validateMlWorkspaceArgs(args, (message) => {
            throw new pulumi.ResourceError(`MlWorkspace: ${message}`, this);
        });

        const retentionDays = args.logAnalyticsRetentionDays ?? ML_WORKSPACE_DEFAULTS.logAnalyticsRetentionDays;
        const softDeleteDays =
            args.keyVaultSoftDeleteRetentionDays ?? ML_WORKSPACE_DEFAULTS.keyVaultSoftDeleteRetentionDays;
        const purgeProtection = args.keyVaultPurgeProtection ?? ML_WORKSPACE_DEFAULTS.keyVaultPurgeProtection;
        const purgeOnDestroy = args.purgeOnDestroy ?? ML_WORKSPACE_DEFAULTS.purgeOnDestroy;
        const protect = args.protect ?? ML_WORKSPACE_DEFAULTS.protect;
        const diagnosticSettings = args.diagnosticSettings ?? ML_WORKSPACE_DEFAULTS.diagnosticSettings;
        const privateSubnetId = args.privateEndpointSubnetId === undefined
            ? undefined
            : checkedInput(args.privateEndpointSubnetId, (id) => (parseSubnetId(id)
                ? undefined
                : { arg: "privateEndpointSubnetId", value: id, rule: RULES.subnetId }), this);
        const allowedIpRanges = args.storageAllowedIpRanges ?? [];
        const storageOpen = privateSubnetId === undefined || allowedIpRanges.length > 0;
        const customerManagedKey = args.customerManagedKeyVaultId !== undefined && args.customerManagedKeyUri !== undefined;
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };
        const childOpts = { parent: this };

        const suffix = new random.RandomString(`${name}-suffix`, {
            length: NAME_SUFFIX.length,
            upper: false,
            special: false,
            numeric: true,
            lower: true,
        }, childOpts);
        const names = suffix.result.apply((value) => deriveNames(args.workspaceName, value));

        const clientConfig = authorization.getClientConfigOutput({ parent: this });
        // The workspace's id, known before the workspace exists (the storage firewall names it).
        const workspaceArmId = pulumi.interpolate`/subscriptions/${clientConfig.subscriptionId}/resourceGroups/${args.resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${args.workspaceName}`;
        const account = new storage.StorageAccount(`${name}-storage`, {
            ...common,
            accountName: names.storageAccount,
            kind: storage.Kind.StorageV2,
            sku: { name: storage.SkuName.Standard_LRS },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
            allowBlobPublicAccess: false,
            // Compute instances need shared-key access to the workspace's default storage.
            allowSharedKeyAccess: true,
            // Behind private endpoints the account stays reachable for what needs it, and for nothing else
            // from the internet: a firewall that denies by default, lets trusted Azure services and this
            // workspace's identity through (Azure ML's documented setup), and the listed addresses.
            ...(privateSubnetId === undefined ? {} : {
                publicNetworkAccess: storage.PublicNetworkAccess.Enabled,
                networkRuleSet: {
                    defaultAction: storage.DefaultAction.Deny,
                    bypass: storage.Bypass.AzureServices,
                    resourceAccessRules: [{ tenantId: clientConfig.tenantId, resourceId: workspaceArmId }],
                    ...(allowedIpRanges.length > 0
                        ? { ipRules: allowedIpRanges.map((range) => ({ iPAddressOrRange: range, action: storage.Action.Allow })) }
                        : {}),
                },
            }),
        }, { ...childOpts, protect });

        const vault = new keyvault.Vault(`${name}-keyvault`, {
            ...common,
            vaultName: names.keyVault,
            properties: {
                tenantId: clientConfig.tenantId,
                sku: { family: keyvault.SkuFamily.A, name: keyvault.SkuName.Standard },
                enableRbacAuthorization: true,
                softDeleteRetentionInDays: softDeleteDays,
                // azure-native rejects `false` here; leaving it out means off.
                ...(purgeProtection ? { enablePurgeProtection: true } : {}),
                // Behind private endpoints: a firewall that denies the internet and lets trusted Azure
                // services (Azure ML among them) through.
                ...(privateSubnetId === undefined ? {} : {
                    networkAcls: {
                        defaultAction: keyvault.NetworkRuleAction.Deny,
                        bypass: keyvault.NetworkRuleBypassOptions.AzureServices,
                    },
                }),
            },
        }, { ...childOpts, protect });

        const logAnalytics = new operationalinsights.Workspace(`${name}-logs`, {
            ...common,
            workspaceName: names.logAnalytics,
            sku: { name: operationalinsights.WorkspaceSkuNameEnum.PerGB2018 },
            retentionInDays: retentionDays,
            ...(args.logAnalyticsDailyCapGb !== undefined
                ? { workspaceCapping: { dailyQuotaGb: args.logAnalyticsDailyCapGb } }
                : {}),
        }, childOpts);

        const appInsights = new applicationinsights.Component(`${name}-appinsights`, {
            ...common,
            resourceName: names.appInsights,
            kind: "web",
            applicationType: applicationinsights.ApplicationType.Web,
            workspaceResourceId: logAnalytics.id,
            ingestionMode: applicationinsights.IngestionMode.LogAnalytics,
        }, childOpts);

        this.workspace = new ml.Workspace(`${name}-workspace`, {
            ...common,
            workspaceName: args.workspaceName,
            friendlyName: args.workspaceName,
            sku: { name: "Basic", tier: "Basic" },
            identity: args.customerManagedKeyIdentityId === undefined
                ? { type: ml.ManagedServiceIdentityType.SystemAssigned }
                : {
                    type: ml.ManagedServiceIdentityType.SystemAssigned_UserAssigned,
                    userAssignedIdentities: [args.customerManagedKeyIdentityId],
                },
            storageAccount: account.id,
            keyVault: vault.id,
            applicationInsights: appInsights.id,
            ...(privateSubnetId === undefined ? {} : { publicNetworkAccess: ml.PublicNetworkAccessType.Disabled }),
            ...(args.managedNetworkIsolationMode === undefined
                ? {}
                : { managedNetwork: { isolationMode: args.managedNetworkIsolationMode } }),
            ...(customerManagedKey
                ? {
                    encryption: verifiedEncryption({
                        vaultId: args.customerManagedKeyVaultId as pulumi.Input<string>,
                        keyUri: args.customerManagedKeyUri as pulumi.Input<string>,
                        identityId: args.customerManagedKeyIdentityId,
                        subscriptionId: clientConfig.subscriptionId,
                        parent: this,
                    }),
                }
                : {}),
        }, {
            ...childOpts,
            // Azure cannot change a workspace's storage account or key vault; replace instead of failing.
            // The name is fixed, so the old workspace must go first. A customer-managed key can only move
            // to another key of the same vault: another vault means another workspace.
            replaceOnChanges: customerManagedKey
                ? ["storageAccount", "keyVault", "encryption.keyVaultProperties.keyVaultArmId"]
                : ["storageAccount", "keyVault"],
            deleteBeforeReplace: true,
            customTimeouts: ML_WORKSPACE_TIMEOUTS,
            protect,
            // With purge on destroy, the purge resource removes the workspace from Azure; Pulumi's own
            // delete would only soft-delete it, so it just leaves the state.
            retainOnDelete: purgeOnDestroy,
        });

        const contentsDependency: pulumi.Resource = purgeOnDestroy
            ? new WorkspacePurge(`${name}-purge`, {
                subscriptionId: clientConfig.subscriptionId,
                resourceGroupName: args.resourceGroupName,
                workspaceName: this.workspace.name,
                immutableWorkspaceSettings: { storageAccount: account.id, keyVault: vault.id },
            }, { parent: this, dependsOn: [this.workspace] })
            : this.workspace;
        CONTENTS_DEPENDENCY.set(this, contentsDependency);
        // Extension resources of the workspace and its private endpoint follow the purge, so that on
        // destroy they go before the workspace is purged (a diagnostic setting left on a deleted
        // workspace would come back with the next workspace of the same name).
        const afterWorkspace = [contentsDependency];

        let endpoints: Record<"workspace", network.PrivateEndpoint> | undefined;
        if (privateSubnetId !== undefined) {
            endpoints = createPrivateNetworking({
                name,
                workspaceName: args.workspaceName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                tags: args.tags,
                subnetId: privateSubnetId,
                virtualNetworkId: pulumi.output(privateSubnetId).apply((id) => parseSubnetId(id)?.virtualNetworkId ?? id),
                targets: {
                    workspace: { id: this.workspace.id, dependsOn: afterWorkspace },
                    blob: { id: account.id },
                    file: { id: account.id },
                    vault: { id: vault.id },
                },
                parent: this,
            });
        }

        const diagnostics = diagnosticSettings
            ? new monitor.DiagnosticSetting(`${name}-diagnostics`, {
                name: `diag-${args.workspaceName}`,
                resourceUri: this.workspace.id,
                workspaceId: logAnalytics.id,
                logs: [{ categoryGroup: "allLogs", enabled: true }],
                metrics: [{ category: "AllMetrics", enabled: true }],
            }, { ...childOpts, dependsOn: afterWorkspace })
            : undefined;

        if (args.lock !== undefined) {
            new authorization.ManagementLockByScope(`${name}-lock`, {
                scope: this.workspace.id,
                lockName: `lock-${args.workspaceName}`,
                level: args.lock,
                notes: args.lock === WorkspaceLockLevel.ReadOnly
                    ? "Cannot change or delete the workspace or anything in it."
                    : "Cannot delete the workspace or anything in it.",
            }, {
                ...childOpts,
                // Last in, first out: a lock would block the other changes to the workspace.
                dependsOn: [...afterWorkspace, ...(endpoints ? [endpoints.workspace] : []), ...(diagnostics ? [diagnostics] : [])],
            });
        }

        this.workspaceName = this.workspace.name;
        this.workspaceId = this.workspace.id;
        this.workspaceGuid = this.workspace.workspaceId;
        this.tenantId = clientConfig.tenantId;
        this.nameSuffix = suffix.result;
        this.storageAccountName = account.name;
        this.keyVaultName = vault.name;
        this.logAnalyticsWorkspaceId = logAnalytics.id;
        this.appInsightsName = appInsights.name;
        this.workspacePrincipalId = this.workspace.identity.apply((identity) => identity?.principalId ?? "");
        this.workspacePrivateEndpointId = endpoints?.workspace.id;
        this.storagePublicNetworkAccess = storageOpen;
        this.registerOutputs({
            workspaceName: this.workspaceName,
            workspaceId: this.workspaceId,
            workspaceGuid: this.workspaceGuid,
            tenantId: this.tenantId,
            nameSuffix: this.nameSuffix,
            storageAccountName: this.storageAccountName,
            keyVaultName: this.keyVaultName,
            logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId,
            appInsightsName: this.appInsightsName,
            workspacePrincipalId: this.workspacePrincipalId,
            workspacePrivateEndpointId: this.workspacePrivateEndpointId,
            storagePublicNetworkAccess: this.storagePublicNetworkAccess,
        });
    }
}

/**
 * The first problem with the arguments (naming the argument, the value and the rule, without the
 * component's name), or undefined: what the constructor would refuse, for callers that check before
 * building anything. Values given as Outputs are checked when they resolve, not here.
 */
export function mlWorkspaceArgsProblem(args: MlWorkspaceArgs): string | undefined {
    return firstProblem((report) => validateMlWorkspaceArgs(args, report));
}

/** Reports the first problem, before any child exists: combinations first, then each value. */
function validateMlWorkspaceArgs(args: MlWorkspaceArgs, report: ReportProblem): void {
    const fail = (arg: string, value: unknown, rule: string): never => report(`${arg} ${JSON.stringify(value)} ${rule}.`);
    if (args.purgeOnDestroy && args.protect) {
        report("purgeOnDestroy and protect cannot be combined: a protected workspace is never purged; set one of them.");
    }
    if (args.lock !== undefined && args.purgeOnDestroy) {
        report("lock and purgeOnDestroy cannot be combined: a locked workspace can be neither deleted nor purged; set one of them.");
    }
    if (args.privateEndpointSubnetId !== undefined && args.managedNetworkIsolationMode !== undefined) {
        report(
            "privateEndpointSubnetId and managedNetworkIsolationMode cannot be combined: the workspace lives either " +
            "in your virtual network (private endpoints) or in Azure's managed network; set one of them.",
        );
    }
    if (!isValidName("mlWorkspace", args.workspaceName)) {
        fail("workspaceName", args.workspaceName, `is not a valid ${NAME_RULES.mlWorkspace.resource} name: ${NAME_RULES.mlWorkspace.description}`);
    }
    const ranges: Array<[keyof MlWorkspaceArgs, number | undefined, number, number]> = [
        ["logAnalyticsRetentionDays", args.logAnalyticsRetentionDays, 30, 730],
        ["logAnalyticsDailyCapGb", args.logAnalyticsDailyCapGb, 1, 10000],
        ["keyVaultSoftDeleteRetentionDays", args.keyVaultSoftDeleteRetentionDays, 7, 90],
    ];
    for (const [arg, value, min, max] of ranges) {
        const problem = value === undefined ? undefined : integerRangeProblem(value, min, max);
        if (problem) {
            fail(arg, value, problem);
        }
    }
    const enums: Array<[keyof MlWorkspaceArgs, unknown, Record<string, string>]> = [
        ["managedNetworkIsolationMode", args.managedNetworkIsolationMode, ManagedNetworkIsolationMode],
        ["lock", args.lock, WorkspaceLockLevel],
    ];
    for (const [arg, value, allowed] of enums) {
        if (value !== undefined && !Object.values(allowed).includes(value as string)) {
            fail(arg, value, `must be one of ${Object.values(allowed).join(", ")}`);
        }
    }
    if (typeof args.privateEndpointSubnetId === "string" && !parseSubnetId(args.privateEndpointSubnetId)) {
        fail("privateEndpointSubnetId", args.privateEndpointSubnetId, RULES.subnetId);
    }
    if (args.storageAllowedIpRanges !== undefined) {
        if (args.privateEndpointSubnetId === undefined) {
            fail("storageAllowedIpRanges", args.storageAllowedIpRanges,
                "needs privateEndpointSubnetId: without private endpoints the storage account is open to the internet already");
        }
        args.storageAllowedIpRanges.forEach((range, index) => {
            if (typeof range !== "string" || !isStorageIpRule(range)) {
                fail(`storageAllowedIpRanges[${index}]`, range, RULES.ipRange);
            }
        });
    }
    const hasVault = args.customerManagedKeyVaultId !== undefined;
    const hasKey = args.customerManagedKeyUri !== undefined;
    if (hasVault !== hasKey) {
        report(
            `customerManagedKeyVaultId and customerManagedKeyUri go together: ${hasVault ? "customerManagedKeyUri" : "customerManagedKeyVaultId"} ` +
            "is missing; set both (the vault and the key in it) or neither.",
        );
    }
    if (args.customerManagedKeyIdentityId !== undefined && !hasVault && !hasKey) {
        fail("customerManagedKeyIdentityId", args.customerManagedKeyIdentityId,
            "needs customerManagedKeyVaultId and customerManagedKeyUri: it is the identity that reads the key");
    }
    const known = (value: pulumi.Input<string> | undefined): string | undefined => (typeof value === "string" ? value : undefined);
    const keyProblem = customerManagedKeyProblem(
        known(args.customerManagedKeyVaultId),
        known(args.customerManagedKeyUri),
        known(args.customerManagedKeyIdentityId),
    );
    if (keyProblem) {
        fail(keyProblem.arg, keyProblem.value, keyProblem.rule);
    }
}

/**
 * An input validated now when it is a plain value, and when it resolves when it is an Output (which
 * validation before any child cannot see): the same ResourceError either way.
 */
function checkedInput(
    value: pulumi.Input<string>,
    problemOf: (value: string) => ArgProblem | undefined,
    resource: pulumi.Resource,
): pulumi.Input<string> {
    if (typeof value === "string") {
        return value;
    }
    return pulumi.output(value).apply((resolved) => {
        const problem = problemOf(resolved);
        if (problem) {
            throw new pulumi.ResourceError(`MlWorkspace: ${problem.arg} ${JSON.stringify(problem.value)} ${problem.rule}.`, resource);
        }
        return resolved;
    });
}
