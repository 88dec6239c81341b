import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import { deriveNames, isValidName, NAME_RULES, NAME_SUFFIX } from "./naming";
import { integerRangeProblem } from "./validation";
import { WorkspacePurge } from "./workspacePurge";

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
    /** Optional. Daily ingestion cap of Log Analytics in GB (at least 1). Defaults to no cap. */
    readonly logAnalyticsDailyCapGb?: number;
    /** Optional. Days a deleted key vault stays recoverable, its name reserved (7-90). Defaults to 7. */
    readonly keyVaultSoftDeleteRetentionDays?: number;
    /**
     * Optional. Turns on key vault purge protection. Irreversible: once on, it can never be turned off,
     * and the vault and its name stay reserved for the whole retention period after a destroy.
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
    /** Optional. Tags for every resource. Defaults to none. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const ML_WORKSPACE_DEFAULTS = {
    logAnalyticsRetentionDays: 30,
    keyVaultSoftDeleteRetentionDays: 7,
    keyVaultPurgeProtection: false,
    purgeOnDestroy: false,
    protect: false,
} as const;

/**
 * How long Pulumi waits on the workspace: Azure usually creates one in 2-3 minutes and deletes it in
 * 1-2; the margin absorbs a slow region without waiting azure-native's default two hours.
 */
export const ML_WORKSPACE_TIMEOUTS = { create: "30m", update: "30m", delete: "30m" } as const;

/**
 * An Azure Machine Learning workspace with the dependencies the portal creates for it: a storage
 * account, a key vault, and a workspace-based Application Insights on a Log Analytics workspace of its
 * own (classic App Insights is retired; without one Azure makes a managed workspace that destroy would
 * never remove). No container registry: Azure makes one at the first container deployment.
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
     * destroy is on (so contents are deleted before the purge), else the workspace.
     */
    public readonly contentsDependency: pulumi.Resource;

    constructor(name: string, args: MlWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:MlWorkspace", name, {}, opts);
        validateMlWorkspaceArgs(args, this);

        const retentionDays = args.logAnalyticsRetentionDays ?? ML_WORKSPACE_DEFAULTS.logAnalyticsRetentionDays;
        const softDeleteDays =
            args.keyVaultSoftDeleteRetentionDays ?? ML_WORKSPACE_DEFAULTS.keyVaultSoftDeleteRetentionDays;
        const purgeProtection = args.keyVaultPurgeProtection ?? ML_WORKSPACE_DEFAULTS.keyVaultPurgeProtection;
        const purgeOnDestroy = args.purgeOnDestroy ?? ML_WORKSPACE_DEFAULTS.purgeOnDestroy;
        const protect = args.protect ?? ML_WORKSPACE_DEFAULTS.protect;
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
        }, { ...childOpts, protect });

        const clientConfig = authorization.getClientConfigOutput({ parent: this });
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
            identity: { type: ml.ManagedServiceIdentityType.SystemAssigned },
            storageAccount: account.id,
            keyVault: vault.id,
            applicationInsights: appInsights.id,
        }, {
            ...childOpts,
            // Azure cannot change a workspace's storage account or key vault; replace instead of failing.
            // The name is fixed, so the old workspace must go first.
            replaceOnChanges: ["storageAccount", "keyVault"],
            deleteBeforeReplace: true,
            customTimeouts: ML_WORKSPACE_TIMEOUTS,
            protect,
            // With purge on destroy, the purge resource removes the workspace from Azure; Pulumi's own
            // delete would only soft-delete it, so it just leaves the state.
            retainOnDelete: purgeOnDestroy,
        });

        this.contentsDependency = purgeOnDestroy
            ? new WorkspacePurge(`${name}-purge`, {
                subscriptionId: clientConfig.subscriptionId,
                resourceGroupName: args.resourceGroupName,
                workspaceName: this.workspace.name,
                immutableWorkspaceSettings: { storageAccount: account.id, keyVault: vault.id },
            }, { parent: this, dependsOn: [this.workspace] })
            : this.workspace;

        this.workspaceName = this.workspace.name;
        this.workspaceId = this.workspace.id;
        this.workspaceGuid = this.workspace.workspaceId;
        this.tenantId = clientConfig.tenantId;
        this.nameSuffix = suffix.result;
        this.storageAccountName = account.name;
        this.keyVaultName = vault.name;
        this.logAnalyticsWorkspaceId = logAnalytics.id;
        this.appInsightsName = appInsights.name;
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
        });
    }
}

/** Throws one ResourceError naming the argument, the value and the rule, before any child exists. */
function validateMlWorkspaceArgs(args: MlWorkspaceArgs, resource: pulumi.Resource): void {
    const fail = (arg: string, value: unknown, rule: string): never => {
        throw new pulumi.ResourceError(`MlWorkspace: ${arg} ${JSON.stringify(value)} ${rule}.`, resource);
    };
    if (args.purgeOnDestroy && args.protect) {
        throw new pulumi.ResourceError(
            "MlWorkspace: purgeOnDestroy and protect cannot be combined: a protected workspace is never purged; set one of them.",
            resource,
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
}
