import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { Classroom, classroomArgsProblem, ClassroomArgs, ClassroomAssignment, ClassroomLearner } from "./classroom";
import { ComputeCluster, computeClusterArgsProblem, ComputeClusterArgs } from "./computeCluster";
import {
    ComputeInstance,
    computeInstanceArgsProblem,
    ComputeInstanceArgs,
    ComputeInstanceSchedule,
    COMPUTE_INSTANCE_DEFAULTS,
} from "./computeInstance";
import {
    ManagedNetworkIsolationMode,
    MlWorkspace,
    mlWorkspaceArgsProblem,
    ML_WORKSPACE_DEFAULTS,
    WorkspaceLockLevel,
} from "./mlWorkspace";
import { deriveNames, isValidName, NAME_RULES } from "./naming";
import { TrainingPipeline } from "./trainingPipeline";

/** Where the training pipeline runs. */
export const TrainingCompute = {
    /** The lab's compute instance. */
    Instance: "instance",
    /** The stack's compute cluster (`computeCluster` must be set). */
    Cluster: "cluster",
} as const;
export type TrainingCompute = (typeof TrainingCompute)[keyof typeof TrainingCompute];

/** The lab compute instance's options beyond the lab's settings (see ComputeInstanceArgs). */
export interface LabComputeInstanceOptions {
    /**
     * Optional. Entra object id of the person the instance is assigned to. Needed when a pipeline or a
     * service principal deploys: an instance belongs to its creator. Defaults to none (the deployer's).
     */
    readonly assignedUserObjectId?: string;
    /** Optional. That person's tenant. Defaults to the deployment's tenant. */
    readonly assignedUserTenantId?: string;
    /** Optional. A setup script's text; cannot be combined with `setupScriptFile`. Defaults to none. */
    readonly setupScriptInline?: string;
    /** Optional. A setup script's path, read when the program runs. Defaults to none. */
    readonly setupScriptFile?: string;
    /** Conditional (with a script). The script's time limit, 1-25 minutes. Defaults to Azure's. */
    readonly setupScriptTimeoutMinutes?: number;
    /** Optional. An OpenSSH public key, which turns SSH on. Defaults to SSH off. */
    readonly sshPublicKey?: string;
    /** Optional. Up to 4 start/stop schedules. Defaults to none. */
    readonly schedules?: ComputeInstanceSchedule[];
    /** Optional. ARM id of a subnet for the instance. Defaults to none (no virtual network). */
    readonly subnetId?: string;
    /** Optional. No public node IP (needs a subnet or a managed network). Defaults to false. */
    readonly disableNodePublicIp?: boolean;
}

/** The lab workspace's options beyond the lab's settings (see MlWorkspaceArgs). */
export interface LabWorkspaceOptions {
    /**
     * Optional. A subnet for private endpoints: public network access off. Cannot be combined with
     * `managedNetworkIsolationMode`. Defaults to none (public, as in the lab).
     */
    readonly privateEndpointSubnetId?: string;
    /**
     * Conditional (with `privateEndpointSubnetId`). Public IPv4 addresses or ranges the storage firewall
     * admits: the deploying machine's, so that the training pipeline can upload. Defaults to none.
     */
    readonly storageAllowedIpRanges?: string[];
    /** Optional. Azure's managed network isolation; irreversible. Defaults to none. */
    readonly managedNetworkIsolationMode?: ManagedNetworkIsolationMode;
    /** Conditional (with `customerManagedKeyUri`). The vault holding the key (purge protection on). */
    readonly customerManagedKeyVaultId?: string;
    /** Conditional (with `customerManagedKeyVaultId`). The key's identifier URL. */
    readonly customerManagedKeyUri?: string;
    /** Optional (with a key). A user-assigned identity that may read the key. Defaults to none. */
    readonly customerManagedKeyIdentityId?: string;
    /** Optional. Workspace logs and metrics to the stack's Log Analytics. Defaults to false. */
    readonly diagnosticSettings?: boolean;
    /** Optional. A management lock on the workspace; turns purge on destroy off. Defaults to none. */
    readonly lock?: WorkspaceLockLevel;
}

/** A compute cluster for the lab's workspace (see ComputeClusterArgs). */
export interface LabComputeClusterOptions {
    /** Required. The cluster name, unique in the workspace. */
    readonly name: string;
    /** Optional. Defaults to `Standard_DS11_v2`. */
    readonly vmSize?: string;
    /** Optional. Defaults to 0, so an idle cluster costs nothing. */
    readonly minNodes?: number;
    /** Optional. Defaults to 2. */
    readonly maxNodes?: number;
    /** Optional. ISO 8601. Defaults to `PT2M`. */
    readonly idleTimeBeforeScaleDown?: string;
    /** Optional. Low-priority nodes. Defaults to false. */
    readonly lowPriority?: boolean;
    /** Optional. Opens the remote login port with this key. Defaults to closed. */
    readonly sshPublicKey?: string;
    /** Optional. Defaults to none. */
    readonly subnetId?: string;
    /** Optional. Defaults to false. */
    readonly disableNodePublicIp?: boolean;
}

/** Settings of the learners' instances (see ClassroomArgs). */
export interface LabClassroomOptions {
    /** Optional. Defaults to `Standard_DS11_v2`. */
    readonly vmSize?: string;
    /** Optional. ISO 8601 from `PT15M` to `P3D`. Defaults to `PT60M`. */
    readonly idleTimeBeforeShutdown?: string;
    /** Optional. For a deployer who may not assign roles. Defaults to false. */
    readonly skipRoleAssignments?: boolean;
}

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
     * be deployed again at once. Defaults to true, unless `protect` or `workspace.lock` is set.
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
    /** Optional. The workspace's options beyond the lab's settings. Defaults to none. */
    readonly workspace?: LabWorkspaceOptions;
    /** Optional. The compute instance's options beyond the lab's settings. Defaults to none. */
    readonly computeInstance?: LabComputeInstanceOptions;
    /** Optional. A compute cluster in the workspace. Defaults to none. */
    readonly computeCluster?: LabComputeClusterOptions;
    /**
     * Optional. Where the training pipeline runs: `instance` or `cluster` (which needs `computeCluster`).
     * Defaults to `instance`.
     */
    readonly trainingCompute?: TrainingCompute;
    /** Optional. Learners who each get an assigned instance and a role (a Classroom). Defaults to none. */
    readonly learners?: ClassroomLearner[];
    /** Optional. Settings of the learners' instances. Defaults to the lab's. */
    readonly classroom?: LabClassroomOptions;
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
    trainingCompute: TrainingCompute.Instance,
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
    /** The training pipeline job's name (undefined when `submitTrainingJob` is false). */
    public readonly trainingJobName: pulumi.Output<string | undefined>;
    /** A link to the training pipeline job in the studio (undefined when not submitted). */
    public readonly trainingJobStudioUrl: pulumi.Output<string | undefined>;
    /** The compute cluster's name (undefined without `computeCluster`). */
    public readonly computeClusterName: pulumi.Output<string | undefined>;
    /** Who got which compute instance (empty without `learners`). */
    public readonly classroomAssignments: pulumi.Output<ClassroomAssignment[]>;

    /** The workspace component, for stacks that add to it. */
    public get workspace(): MlWorkspace {
        return labChildren(this).workspace;
    }
    /** The compute instance component. */
    public get computeInstance(): ComputeInstance {
        return labChildren(this).computeInstance;
    }
    /** The training pipeline: data, code and component assets, and the pipeline job. */
    public get trainingPipeline(): TrainingPipeline {
        return labChildren(this).trainingPipeline;
    }
    /** The compute cluster, when `computeCluster` is set. */
    public get computeCluster(): ComputeCluster | undefined {
        return labChildren(this).computeCluster;
    }
    /** The classroom, when `learners` is set. */
    public get classroom(): Classroom | undefined {
        return labChildren(this).classroom;
    }

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

        const problems = labArgsProblems(args);
        if (problems.length > 0) {
            throw new pulumi.ResourceError(
                problems.map((problem) => `Dp100Lab: ${problem.option}: ${problem.message}`).join("\n"),
                this,
            );
        }
        const childArgs = labChildArgs(args);

        const group = new resources.ResourceGroup(`${name}-rg`, {
            resourceGroupName,
            location: args.location,
            tags: args.tags,
        }, { parent: this });

        const workspace = new MlWorkspace(`${name}-ml`, {
            resourceGroupName: group.name,
            location: args.location,
            workspaceName,
            logAnalyticsRetentionDays: args.logAnalyticsRetentionDays,
            logAnalyticsDailyCapGb: args.logAnalyticsDailyCapGb,
            keyVaultPurgeProtection: args.keyVaultPurgeProtection,
            ...args.workspace,
            protect,
            purgeOnDestroy: labPurgeOnDestroy(args),
            tags: args.tags,
        }, { parent: this });
        // Everything created inside the workspace waits for the purge resource (if any), so that a
        // destroy deletes it before the workspace is purged.
        const insideWorkspace = { parent: this, dependsOn: [workspace.contentsDependency] };
        const inWorkspace = {
            resourceGroupName: group.name,
            workspaceName: workspace.workspaceName,
            location: args.location,
        };

        const computeInstance = new ComputeInstance(`${name}-compute`, {
            ...inWorkspace,
            ...childArgs.computeInstance,
            computeInstanceName: workspace.nameSuffix.apply(
                (suffix) => deriveNames(workspaceName, suffix).computeInstance,
            ),
            assignedUserTenantId: labAssignedUserTenant(args, workspace.tenantId),
        }, insideWorkspace);

        const computeCluster = childArgs.computeCluster === undefined
            ? undefined
            : new ComputeCluster(`${name}-cluster`, { ...inWorkspace, ...childArgs.computeCluster }, insideWorkspace);

        const classroom = childArgs.classroom === undefined
            ? undefined
            : new Classroom(`${name}-classroom`, {
                ...inWorkspace,
                ...childArgs.classroom,
                workspaceId: workspace.workspaceId,
                tenantId: workspace.tenantId,
                instanceNameSuffix: workspace.nameSuffix,
            }, insideWorkspace);

        const trainingCompute = args.trainingCompute ?? LAB_DEFAULTS.trainingCompute;
        const trainingPipeline = new TrainingPipeline(`${name}-pipeline`, {
            resourceGroupName: group.name,
            workspaceName: workspace.workspaceName,
            workspaceId: workspace.workspaceId,
            workspaceGuid: workspace.workspaceGuid,
            storageAccountName: workspace.storageAccountName,
            computeId: trainingCompute === TrainingCompute.Cluster && computeCluster
                ? computeCluster.computeId
                : computeInstance.computeId,
            tenantId: workspace.tenantId,
            submitJob: args.submitTrainingJob ?? LAB_DEFAULTS.submitTrainingJob,
        }, insideWorkspace);

        this.resourceGroupName = group.name;
        this.workspaceName = workspace.workspaceName;
        this.workspaceId = workspace.workspaceId;
        this.studioUrl = pulumi.interpolate`https://ml.azure.com/?wsid=${workspace.workspaceId}&tid=${workspace.tenantId}`;
        this.storageAccountName = workspace.storageAccountName;
        this.keyVaultName = workspace.keyVaultName;
        this.appInsightsName = workspace.appInsightsName;
        this.computeInstanceName = computeInstance.computeInstanceName;
        this.trainingJobName = pulumi.output(trainingPipeline.jobName);
        this.trainingJobStudioUrl = pulumi.output(trainingPipeline.jobStudioUrl);
        this.computeClusterName = pulumi.output(computeCluster?.computeClusterName);
        this.classroomAssignments = classroom?.assignments ?? pulumi.output([]);
        LAB_CHILDREN.set(this, { workspace, computeInstance, trainingPipeline, computeCluster, classroom });
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            workspaceName: this.workspaceName,
            workspaceId: this.workspaceId,
            studioUrl: this.studioUrl,
            storageAccountName: this.storageAccountName,
            keyVaultName: this.keyVaultName,
            appInsightsName: this.appInsightsName,
            computeInstanceName: this.computeInstanceName,
            trainingJobName: this.trainingJobName,
            trainingJobStudioUrl: this.trainingJobStudioUrl,
            computeClusterName: this.computeClusterName,
            classroomAssignments: this.classroomAssignments,
        });
    }
}

/**
 * The lab's child components, kept off the class's fields: Pulumi's schema inference (for other
 * languages) reads every field as an output and refuses references to other components.
 */
interface LabChildren {
    readonly workspace: MlWorkspace;
    readonly computeInstance: ComputeInstance;
    readonly trainingPipeline: TrainingPipeline;
    readonly computeCluster?: ComputeCluster;
    readonly classroom?: Classroom;
}
const LAB_CHILDREN = new WeakMap<Dp100Lab, LabChildren>();

function labChildren(lab: Dp100Lab): LabChildren {
    const children = LAB_CHILDREN.get(lab);
    if (!children) {
        throw new Error("Dp100Lab: its children are not built yet");
    }
    return children;
}

/** One problem with the lab's arguments: the option it concerns and what is wrong. */
export interface LabArgsProblem {
    readonly option: keyof Dp100LabArgs;
    readonly message: string;
}

/** Why the lab refuses a workspace whose storage only its private endpoints can reach. */
export const LAB_STORAGE_CLOSED =
    "privateEndpointSubnetId closes the storage account to the internet, and the lab's training pipeline " +
    "uploads its data and code to it from the deploying machine: list that machine's public IP address in " +
    "storageAllowedIpRanges.";

/** Purge on destroy unless asked otherwise, or unless the workspace is protected or locked. */
function labPurgeOnDestroy(args: Dp100LabArgs): boolean {
    const keepsWorkspace = (args.protect ?? LAB_DEFAULTS.protect) || args.workspace?.lock !== undefined;
    return args.purgeOnDestroy ?? (keepsWorkspace ? false : LAB_DEFAULTS.purgeOnDestroy);
}

/**
 * The assigned user's tenant: the one given, else the deployment's when a user is assigned. A tenant
 * without a user is passed on, so that the instance's own check refuses it.
 */
function labAssignedUserTenant(args: Dp100LabArgs, deploymentTenant: pulumi.Input<string>): pulumi.Input<string> | undefined {
    const options = args.computeInstance;
    if (options?.assignedUserTenantId !== undefined) {
        return options.assignedUserTenantId;
    }
    return options?.assignedUserObjectId === undefined ? undefined : deploymentTenant;
}

/** What the lab passes to its optional children, from its own plain arguments. */
interface LabChildArgs {
    readonly computeInstance: Omit<ComputeInstanceArgs, "resourceGroupName" | "workspaceName" | "location" | "computeInstanceName" | "assignedUserTenantId">;
    readonly computeCluster?: Omit<ComputeClusterArgs, "resourceGroupName" | "workspaceName" | "location">;
    readonly classroom?: Pick<ClassroomArgs, "learners" | "vmSize" | "idleTimeBeforeShutdown" | "skipRoleAssignments">;
}

function labChildArgs(args: Dp100LabArgs): LabChildArgs {
    // The tenant is resolved by the lab (labAssignedUserTenant), not passed through as is.
    const instanceOptions: LabComputeInstanceOptions = { ...args.computeInstance };
    delete (instanceOptions as { assignedUserTenantId?: string }).assignedUserTenantId;
    const { name: clusterName, ...clusterOptions } = args.computeCluster ?? { name: "" };
    return {
        computeInstance: {
            vmSize: args.computeInstanceVmSize,
            idleTimeBeforeShutdown: args.idleTimeBeforeShutdown,
            disableIdleShutdown: args.disableIdleShutdown,
            ...instanceOptions,
        },
        computeCluster: args.computeCluster === undefined ? undefined : { computeClusterName: clusterName, ...clusterOptions },
        classroom: args.learners === undefined ? undefined : { learners: args.learners, ...args.classroom },
    };
}

/**
 * Every problem with the lab's arguments, found with the children's own checks before anything is
 * created: the lab either builds whole or not at all. Values that only resources can supply (the
 * workspace, the tenant, the name suffix) stand in as placeholders the checks skip.
 */
export function labArgsProblems(args: Dp100LabArgs): LabArgsProblem[] {
    const problems: LabArgsProblem[] = [];
    const child = labChildArgs(args);
    const unknown = pulumi.output("");
    const placement = { resourceGroupName: unknown, workspaceName: unknown, location: args.location };
    const workspaceProblem = mlWorkspaceArgsProblem({
        resourceGroupName: unknown,
        location: args.location,
        workspaceName: args.workspaceName ?? LAB_DEFAULTS.workspaceName,
        ...args.workspace,
        protect: args.protect,
        purgeOnDestroy: labPurgeOnDestroy(args),
    });
    if (workspaceProblem) {
        problems.push({ option: "workspace", message: workspaceProblem });
    } else if (args.workspace?.privateEndpointSubnetId !== undefined && !(args.workspace.storageAllowedIpRanges?.length)) {
        // The pipeline uploads its files from the deploying machine, which a closed storage account refuses.
        problems.push({ option: "workspace", message: LAB_STORAGE_CLOSED });
    }
    const instanceProblem = computeInstanceArgsProblem({
        ...placement,
        ...child.computeInstance,
        computeInstanceName: unknown,
        assignedUserTenantId: labAssignedUserTenant(args, unknown),
    });
    if (instanceProblem) {
        // The lab's own options for the instance are top-level; the rest are under computeInstance.
        const topLevel = /^(vmSize|idleTimeBeforeShutdown|disableIdleShutdown)\b/.exec(instanceProblem);
        problems.push(topLevel
            ? { option: topLevel[1] === "vmSize" ? "computeInstanceVmSize" : topLevel[1] as keyof Dp100LabArgs, message: instanceProblem }
            : { option: "computeInstance", message: instanceProblem });
    }
    if (child.computeCluster) {
        const clusterProblem = computeClusterArgsProblem({ ...placement, ...child.computeCluster });
        if (clusterProblem) {
            problems.push({ option: "computeCluster", message: clusterProblem.replace(/^computeClusterName\b/, "name") });
        }
    }
    if (child.classroom) {
        const classroomProblem = classroomArgsProblem({
            ...placement,
            ...child.classroom,
            workspaceId: unknown,
            tenantId: unknown,
            instanceNameSuffix: unknown,
        });
        if (classroomProblem) {
            problems.push({ option: classroomProblem.startsWith("learners") ? "learners" : "classroom", message: classroomProblem });
        }
    }
    const trainingCompute = args.trainingCompute ?? LAB_DEFAULTS.trainingCompute;
    if (!(Object.values(TrainingCompute) as string[]).includes(trainingCompute)) {
        problems.push({ option: "trainingCompute", message: `${JSON.stringify(trainingCompute)} must be ${Object.values(TrainingCompute).join(" or ")}.` });
    } else if (trainingCompute === TrainingCompute.Cluster && args.computeCluster === undefined) {
        problems.push({ option: "trainingCompute", message: `"cluster" needs a compute cluster: set computeCluster too.` });
    }
    return problems;
}
