import * as pulumi from "@pulumi/pulumi";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import type { NameRule } from "./naming";
import {
    firstProblem,
    ReportProblem,
    integerRangeProblem,
    isPrivateKeyText,
    scaleDownIdleTimeProblem,
    sshPublicKeyProblem,
    subnetIdProblem,
    vmSizeProblem,
} from "./validation";

/** Arguments of {@link ComputeCluster}. */
export interface ComputeClusterArgs {
    /** Required. The resource group of the workspace. */
    readonly resourceGroupName: pulumi.Input<string>;
    /** Required. The workspace the cluster belongs to. */
    readonly workspaceName: pulumi.Input<string>;
    /** Required. The region, which must be the workspace's. */
    readonly location: pulumi.Input<string>;
    /**
     * Required. The cluster name: 3-32 letters, digits and `-`, starting with a letter and ending with a
     * letter or digit, unique in the workspace.
     */
    readonly computeClusterName: pulumi.Input<string>;
    /** Optional. The VM size of every node. Defaults to `Standard_DS11_v2`. */
    readonly vmSize?: string;
    /**
     * Optional. Nodes kept running even when no job runs (0 to `maxNodes`); each one costs money all the
     * time. Defaults to 0, so an idle cluster costs nothing.
     */
    readonly minNodes?: number;
    /** Optional. The most nodes a job can scale the cluster to (1-100). Defaults to 2. */
    readonly maxNodes?: number;
    /**
     * Optional. How long a node stays idle before the cluster scales down, an ISO 8601 duration longer
     * than zero (Azure's `nodeIdleTimeBeforeScaleDown`). Defaults to `PT2M`.
     */
    readonly idleTimeBeforeScaleDown?: string;
    /**
     * Optional. Uses low-priority VMs: much cheaper, but Azure can take nodes back in the middle of a
     * job. Defaults to false (dedicated VMs).
     */
    readonly lowPriority?: boolean;
    /**
     * Optional. An OpenSSH public key (ssh-rsa, ssh-ed25519 or ecdsa-sha2-*) for the `azureuser` account
     * on every node. Setting it opens the nodes' remote login (SSH) port, reachable from the internet
     * unless the cluster is in a subnet whose network security group says otherwise. Defaults to none:
     * the remote login port stays closed.
     */
    readonly sshPublicKey?: string;
    /** Optional. The ARM id of an existing subnet for the nodes, in the workspace's region. Defaults to none. */
    readonly subnetId?: pulumi.Input<string>;
    /**
     * Optional. Gives the nodes no public IP. Azure accepts it only with `subnetId`, or in a workspace
     * with managed network isolation (which this component cannot see, so Azure judges that case).
     * Defaults to false.
     */
    readonly disableNodePublicIp?: boolean;
}

/** The component's defaults, named once for the code, the docs and the tests. */
export const COMPUTE_CLUSTER_DEFAULTS = {
    vmSize: "Standard_DS11_v2",
    minNodes: 0,
    maxNodes: 2,
    idleTimeBeforeScaleDown: "PT2M",
    lowPriority: false,
    disableNodePublicIp: false,
    /** The administrator account that `sshPublicKey` is installed for. */
    sshAdminUserName: "azureuser",
} as const;

/**
 * The component's ceiling on `maxNodes`: a guard against a typo, not Azure's limit (which is the
 * subscription's vCPU quota for the VM family in the region).
 */
export const COMPUTE_CLUSTER_LIMITS = { maxNodes: 100 } as const;

/** Azure's rule for compute cluster names (../shared/reference/naming-and-lifecycle.md). */
export const COMPUTE_CLUSTER_NAME_RULE: NameRule = {
    resource: "compute cluster",
    pattern: /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/,
    description: "3-32 letters, digits and '-', starting with a letter, ending with a letter or digit",
};

/**
 * How long Pulumi waits on the cluster: with no nodes to start, Azure creates one in a few minutes and
 * deletes it in a few more (longer while nodes drain); the margin absorbs a slow region.
 */
export const COMPUTE_CLUSTER_TIMEOUTS = { create: "30m", update: "30m", delete: "30m" } as const;

/**
 * The cluster settings Azure fixes at creation. Only the scale settings (`minNodeCount`,
 * `maxNodeCount`, `nodeIdleTimeBeforeScaleDown`) can change on an existing cluster (the REST API's
 * Compute Update takes nothing else), so a change to any of these replaces the cluster.
 */
export const COMPUTE_CLUSTER_REPLACE_ON_CHANGES: readonly string[] = [
    "properties.properties.vmSize",
    "properties.properties.vmPriority",
    "properties.properties.subnet",
    "properties.properties.enableNodePublicIp",
    "properties.properties.remoteLoginPortPublicAccess",
    "properties.properties.userAccountCredentials",
];

/**
 * An Azure ML compute cluster (AmlCompute) for jobs that outgrow one compute instance: it scales from
 * `minNodes` (0 by default, so it costs nothing idle) to `maxNodes` while jobs run, and back down after
 * `idleTimeBeforeScaleDown`. The remote login port is closed unless an SSH key is given.
 */
export class ComputeCluster extends pulumi.ComponentResource {
    /** The cluster name. */
    public readonly computeClusterName: pulumi.Output<string>;
    /** The cluster's ARM resource id (`<workspace id>/computes/<name>`), what a job's `computeId` takes. */
    public readonly computeId: pulumi.Output<string>;
    /** The cluster resource itself, for resources that must depend on it. */
    public readonly compute: ml.Compute;

    constructor(name: string, args: ComputeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("mllab:index:ComputeCluster", name, {}, opts);
        validateComputeClusterArgs(args, (message) => {
            throw new pulumi.ResourceError(`ComputeCluster: ${message}`, this);
        });

        const vmSize = args.vmSize ?? COMPUTE_CLUSTER_DEFAULTS.vmSize;
        const minNodes = args.minNodes ?? COMPUTE_CLUSTER_DEFAULTS.minNodes;
        const maxNodes = args.maxNodes ?? COMPUTE_CLUSTER_DEFAULTS.maxNodes;
        const idleTime = args.idleTimeBeforeScaleDown ?? COMPUTE_CLUSTER_DEFAULTS.idleTimeBeforeScaleDown;
        const lowPriority = args.lowPriority ?? COMPUTE_CLUSTER_DEFAULTS.lowPriority;
        const sshPublicKey = args.sshPublicKey?.trim();
        const disableNodePublicIp = args.disableNodePublicIp ?? COMPUTE_CLUSTER_DEFAULTS.disableNodePublicIp;

        this.compute = new ml.Compute(`${name}-cluster`, {
            resourceGroupName: args.resourceGroupName,
            workspaceName: args.workspaceName,
            computeName: args.computeClusterName,
            location: args.location,
            properties: {
                computeType: "AmlCompute",
                properties: {
                    vmSize,
                    vmPriority: lowPriority ? ml.VmPriority.LowPriority : ml.VmPriority.Dedicated,
                    scaleSettings: {
                        minNodeCount: minNodes,
                        maxNodeCount: maxNodes,
                        nodeIdleTimeBeforeScaleDown: idleTime,
                    },
                    // Explicit, because Azure's default (NotSpecified) opens the port on a cluster without a VNet.
                    remoteLoginPortPublicAccess: sshPublicKey
                        ? ml.RemoteLoginPortPublicAccess.Enabled
                        : ml.RemoteLoginPortPublicAccess.Disabled,
                    ...(sshPublicKey
                        ? {
                            userAccountCredentials: {
                                adminUserName: COMPUTE_CLUSTER_DEFAULTS.sshAdminUserName,
                                adminUserSshPublicKey: sshPublicKey,
                            },
                        }
                        : {}),
                    ...(args.subnetId !== undefined ? { subnet: { id: args.subnetId } } : {}),
                    ...(disableNodePublicIp ? { enableNodePublicIp: false } : {}),
                },
            },
        }, {
            parent: this,
            // A component's dependsOn does not reach its children by itself (see ComputeInstance).
            dependsOn: opts?.dependsOn,
            replaceOnChanges: [...COMPUTE_CLUSTER_REPLACE_ON_CHANGES],
            // The name is fixed, so the old cluster goes first.
            deleteBeforeReplace: true,
            customTimeouts: COMPUTE_CLUSTER_TIMEOUTS,
        });

        this.computeClusterName = this.compute.name;
        this.computeId = this.compute.id;
        this.registerOutputs({ computeClusterName: this.computeClusterName, computeId: this.computeId });
    }
}

/** The first problem with the arguments, or undefined: what the constructor would refuse. */
export function computeClusterArgsProblem(args: ComputeClusterArgs): string | undefined {
    return firstProblem((report) => validateComputeClusterArgs(args, report));
}

/** Reports the first problem naming the argument, the value and the rule, before any child exists. */
function validateComputeClusterArgs(args: ComputeClusterArgs, fail: ReportProblem): void {
    const check = (arg: string, value: unknown, problem: string | undefined): void => {
        if (problem) {
            fail(`${arg} ${JSON.stringify(value)} ${problem}.`);
        }
    };
    if (typeof args.computeClusterName === "string" && !COMPUTE_CLUSTER_NAME_RULE.pattern.test(args.computeClusterName)) {
        check("computeClusterName", args.computeClusterName,
            `is not a valid ${COMPUTE_CLUSTER_NAME_RULE.resource} name: ${COMPUTE_CLUSTER_NAME_RULE.description}`);
    }
    if (args.vmSize !== undefined) {
        check("vmSize", args.vmSize, vmSizeProblem(args.vmSize));
    }
    const maxNodes = args.maxNodes ?? COMPUTE_CLUSTER_DEFAULTS.maxNodes;
    if (args.maxNodes !== undefined) {
        check("maxNodes", args.maxNodes, integerRangeProblem(args.maxNodes, 1, COMPUTE_CLUSTER_LIMITS.maxNodes));
    }
    if (args.minNodes !== undefined && integerRangeProblem(args.minNodes, 0, maxNodes) !== undefined) {
        check("minNodes", args.minNodes, `must be a whole number from 0 to maxNodes (${maxNodes})`);
    }
    if (args.idleTimeBeforeScaleDown !== undefined) {
        check("idleTimeBeforeScaleDown", args.idleTimeBeforeScaleDown, scaleDownIdleTimeProblem(args.idleTimeBeforeScaleDown));
    }
    if (args.sshPublicKey !== undefined && isPrivateKeyText(args.sshPublicKey)) {
        fail("sshPublicKey holds a private key (it says PRIVATE KEY), which must stay secret: give the public key (the .pub file) instead.");
    }
    if (args.sshPublicKey !== undefined) {
        check("sshPublicKey", args.sshPublicKey, sshPublicKeyProblem(args.sshPublicKey));
    }
    if (typeof args.subnetId === "string") {
        check("subnetId", args.subnetId, subnetIdProblem(args.subnetId));
    }
}
