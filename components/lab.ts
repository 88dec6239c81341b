import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { ComputeInstance, COMPUTE_INSTANCE_DEFAULTS } from "./computeInstance";
import { MlWorkspace, ML_WORKSPACE_DEFAULTS } from "./mlWorkspace";
import { deriveNames, isValidName, NAME_RULES } from "./naming";
import { TrainingPipeline } from "./trainingPipeline";

/** Arguments of {@link Dp100Lab}. */
export interface Dp100LabArgs {
    /** Required. The Azure region closest to the learner, e.g. `westeurope`. */
    readonly location: pulumi.Input<string>;
    /** Optional. The resource group to create. Defaults to `rg-dp100-labs`. */
    readonly resourceGroupName?: string;
    /** Optional. The workspace name. Defaults to `mlw-dp100-labs`. */
    readonly workspaceName?: string;
    /** Optional. The compute instance's VM size. Defaults to `Standard_DS11_v2`. */
    readonly computeInstanceVmSize?: string;
    /**
     * Optional. Idle time before the compute instance shuts down, ISO 8601 from `PT15M` to `P3D`.
     * Cannot be combined with `disableIdleShutdown`. Defaults to `PT60M`.
     */
    readonly idleTimeBeforeShutdown?: string;
    /** Optional. Keeps an idle compute instance running. Defaults to false. */
    readonly disableIdleShutdown?: boolean;
    /** Optional. Days Log Analytics keeps data (30-730). Defaults to 30. */
    readonly logAnalyticsRetentionDays?: number;
    /** Optional. Daily Log Analytics ingestion cap in GB. Defaults to no cap. */
    readonly logAnalyticsDailyCapGb?: number;
    /** Optional. Key vault purge protection; irreversible once on. Defaults to false. */
    readonly keyVaultPurgeProtection?: boolean;
    /**
     * Optional. Purges the workspace on destroy (and before a replacement), so the lab's fixed names can
     * be deployed again at once. Defaults to true, unless `protect` is on.
     */
    readonly purgeOnDestroy?: boolean;
    /**
     * Optional. Protects the workspace, storage account and key vault from deletion (Pulumi's
     * `protect`), and turns purge on destroy off. For stacks that are not a throwaway lab.
     * Defaults to false.
     */
    readonly protect?: boolean;
    /**
     * Optional. Submits the training pipeline job (LAB.md section 4); false registers its data, code and
     * components only. Defaults to true.
     */
    readonly submitTrainingJob?: boolean;
    /** Optional. Tags for every resource. Defaults to none. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The lab's settings (LAB.md sections 1 and 3), named once for the code, the config and the tests. */
export const LAB_DEFAULTS = {
    resourceGroupName: "rg-dp100-labs",
    workspaceName: "mlw-dp100-labs",
    computeInstanceVmSize: COMPUTE_INSTANCE_DEFAULTS.vmSize,
    idleTimeBeforeShutdown: COMPUTE_INSTANCE_DEFAULTS.idleTimeBeforeShutdown,
    disableIdleShutdown: COMPUTE_INSTANCE_DEFAULTS.disableIdleShutdown,
    logAnalyticsRetentionDays: ML_WORKSPACE_DEFAULTS.logAnalyticsRetentionDays,
    keyVaultPurgeProtection: ML_WORKSPACE_DEFAULTS.keyVaultPurgeProtection,
    purgeOnDestroy: true,
    submitTrainingJob: true,
    protect: ML_WORKSPACE_DEFAULTS.protect,
} as const;

/**
 * The DP-100 lab "Explore the Azure Machine Learning workspace": a resource group, a workspace with its
 * storage account, key vault and Application Insights, and a compute instance, with the lab's settings.
 */
export class Dp100Lab extends pulumi.ComponentResource {
    /** The resource group name. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** The workspace name. */
    public readonly workspaceName: pulumi.Output<string>;
    /** The workspace's ARM resource id. */
    public readonly workspaceId: pulumi.Output<string>;
    /** A link that opens the workspace in Azure ML studio. */
    public readonly studioUrl: pulumi.Output<string>;
    /** The storage account name. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** The key vault name. */
    public readonly keyVaultName: pulumi.Output<string>;
    /** The Application Insights component name. */
    public readonly appInsightsName: pulumi.Output<string>;
    /** The compute instance name. */
    public readonly computeInstanceName: pulumi.Output<string>;
    /** The workspace component, for stacks that add to it. */
    public readonly workspace: MlWorkspace;
    /** The compute instance component. */
    public readonly computeInstance: ComputeInstance;
    /** The training pipeline: data, code and component assets, and the pipeline job. */
    public readonly trainingPipeline: TrainingPipeline;

    constructor(name: string, args: Dp100LabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:Dp100Lab", name, {}, opts);
        const resourceGroupName = args.resourceGroupName ?? LAB_DEFAULTS.resourceGroupName;
        const workspaceName = args.workspaceName ?? LAB_DEFAULTS.workspaceName;
        const protect = args.protect ?? LAB_DEFAULTS.protect;
        if (!isValidName("resourceGroup", resourceGroupName)) {
            throw new pulumi.ResourceError(
                `Dp100Lab: resourceGroupName ${JSON.stringify(resourceGroupName)} is not a valid ${NAME_RULES.resourceGroup.resource} name: ${NAME_RULES.resourceGroup.description}.`,
                this,
            );
        }

        const group = new resources.ResourceGroup(`${name}-rg`, {
            resourceGroupName,
            location: args.location,
            tags: args.tags,
        }, { parent: this });

        this.workspace = new MlWorkspace(`${name}-ml`, {
            resourceGroupName: group.name,
            location: args.location,
            workspaceName,
            logAnalyticsRetentionDays: args.logAnalyticsRetentionDays,
            logAnalyticsDailyCapGb: args.logAnalyticsDailyCapGb,
            keyVaultPurgeProtection: args.keyVaultPurgeProtection,
            protect,
            purgeOnDestroy: args.purgeOnDestroy ?? (protect ? false : LAB_DEFAULTS.purgeOnDestroy),
            tags: args.tags,
        }, { parent: this });

        this.computeInstance = new ComputeInstance(`${name}-compute`, {
            resourceGroupName: group.name,
            workspaceName: this.workspace.workspaceName,
            location: args.location,
            computeInstanceName: this.workspace.nameSuffix.apply(
                (suffix) => deriveNames(workspaceName, suffix).computeInstance,
            ),
            vmSize: args.computeInstanceVmSize,
            idleTimeBeforeShutdown: args.idleTimeBeforeShutdown,
            disableIdleShutdown: args.disableIdleShutdown,
        }, { parent: this, dependsOn: [this.workspace.contentsDependency] });

        this.trainingPipeline = new TrainingPipeline(`${name}-pipeline`, {
            resourceGroupName: group.name,
            workspaceName: this.workspace.workspaceName,
            workspaceId: this.workspace.workspaceId,
            workspaceGuid: this.workspace.workspaceGuid,
            storageAccountName: this.workspace.storageAccountName,
            computeId: this.computeInstance.computeId,
            tenantId: this.workspace.tenantId,
            submitJob: args.submitTrainingJob ?? LAB_DEFAULTS.submitTrainingJob,
        }, { parent: this, dependsOn: [this.workspace.contentsDependency] });

        this.resourceGroupName = group.name;
        this.workspaceName = this.workspace.workspaceName;
        this.workspaceId = this.workspace.workspaceId;
        this.studioUrl = pulumi.interpolate`https://ml.azure.com/?wsid=${this.workspace.workspaceId}&tid=${this.workspace.tenantId}`;
        this.storageAccountName = this.workspace.storageAccountName;
        this.keyVaultName = this.workspace.keyVaultName;
        this.appInsightsName = this.workspace.appInsightsName;
        this.computeInstanceName = this.computeInstance.computeInstanceName;
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            workspaceName: this.workspaceName,
            workspaceId: this.workspaceId,
            studioUrl: this.studioUrl,
            storageAccountName: this.storageAccountName,
            keyVaultName: this.keyVaultName,
            appInsightsName: this.appInsightsName,
            computeInstanceName: this.computeInstanceName,
            trainingJobName: this.trainingPipeline.jobName,
            trainingJobStudioUrl: this.trainingPipeline.jobStudioUrl,
        });
    }
}
