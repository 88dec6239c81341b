/**
 * The lab's policies as code (CrossGuard). Mandatory: the security fundamentals every stack keeps.
 * Advisory: the lab's cost and access choices, which a stack may change on purpose (it is then warned,
 * not blocked).
 *
 * This module only declares policies: `new PolicyPack(...)` starts a gRPC server and belongs in
 * index.ts alone, so tests and the offline plan (runner.ts) can import the policies freely.
 *
 * Every check reads the resource's inputs, as `pulumi preview --policy-pack` sees them. A setting that
 * Azure defaults differently by API version (public blob access, TLS, HTTPS, key vault RBAC) must be
 * set explicitly: "not set" is a violation, so the answer never depends on Azure's default of the day.
 */
import {
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import type { Unwrap } from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as storage from "@pulumi/azure-native/storage";

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = "dp100-lab-policies";

/** A policy of this pack: always with a name, a description and a declared enforcement level. */
export interface LabPolicy extends ResourceValidationPolicy {
    readonly enforcementLevel: Extract<EnforcementLevel, "mandatory" | "advisory">;
}

/** The TLS versions a storage account may take as its minimum: 1.2 or newer. */
const ACCEPTED_MIN_TLS: readonly string[] = [storage.MinimumTlsVersion.TLS1_2, storage.MinimumTlsVersion.TLS1_3];

export const storageNoPublicBlobAccess: LabPolicy = {
    name: "storage-no-public-blob-access",
    description: "Storage accounts must forbid anonymous (public) blob access: allowBlobPublicAccess set to false.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.allowBlobPublicAccess === undefined) {
            report("allowBlobPublicAccess is not set: set it to false (Azure's default has changed between API versions).");
        } else if (account.allowBlobPublicAccess !== false) {
            report(`allowBlobPublicAccess is ${JSON.stringify(account.allowBlobPublicAccess)}: set it to false so no container can be made public.`);
        }
    }),
};

export const storageMinimumTls12: LabPolicy = {
    name: "storage-minimum-tls-1-2",
    description: "Storage accounts must refuse TLS versions older than 1.2: minimumTlsVersion TLS1_2 (or newer).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        const version = account.minimumTlsVersion;
        if (version === undefined) {
            report("minimumTlsVersion is not set: set it to TLS1_2 (Azure's default is TLS1_0 on older API versions).");
        } else if (!ACCEPTED_MIN_TLS.includes(version)) {
            report(`minimumTlsVersion is ${JSON.stringify(version)}: set it to TLS1_2.`);
        }
    }),
};

export const storageHttpsOnly: LabPolicy = {
    name: "storage-https-only",
    description: "Storage accounts must accept HTTPS traffic only: enableHttpsTrafficOnly set to true.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.enableHttpsTrafficOnly === undefined) {
            report("enableHttpsTrafficOnly is not set: set it to true.");
        } else if (account.enableHttpsTrafficOnly !== true) {
            report(`enableHttpsTrafficOnly is ${JSON.stringify(account.enableHttpsTrafficOnly)}: set it to true so plain HTTP is refused.`);
        }
    }),
};

export const keyVaultRbacAuthorization: LabPolicy = {
    name: "key-vault-rbac-authorization",
    description: "Key vaults must use Azure RBAC for data-plane access (properties.enableRbacAuthorization true), not access policies.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(keyvault.Vault, (vault, _args, report) => {
        const rbac = vault.properties?.enableRbacAuthorization;
        if (rbac === undefined) {
            report("properties.enableRbacAuthorization is not set: set it to true (older API versions default to access policies).");
        } else if (rbac !== true) {
            report(`properties.enableRbacAuthorization is ${JSON.stringify(rbac)}: set it to true and grant access with role assignments.`);
        }
    }),
};

export const appInsightsWorkspaceBased: LabPolicy = {
    name: "app-insights-workspace-based",
    description: "Application Insights must be workspace-based: workspaceResourceId set and ingestionMode LogAnalytics (classic App Insights is retired).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(applicationinsights.Component, (component, _args, report) => {
        const workspaceId = component.workspaceResourceId;
        if (typeof workspaceId !== "string" || workspaceId.trim() === "") {
            report("workspaceResourceId is not set: point it at a Log Analytics workspace.");
        }
        if (component.ingestionMode !== applicationinsights.IngestionMode.LogAnalytics) {
            report(`ingestionMode is ${JSON.stringify(component.ingestionMode ?? null)}: set it to LogAnalytics.`);
        }
    }),
};

/** Configuration of {@link mlWorkspaceNoContainerRegistry}. */
export interface ContainerRegistryPolicyConfig {
    /** Optional. True when the stack asks for a container registry on purpose. Defaults to false. */
    readonly allowContainerRegistry?: boolean;
}

export const mlWorkspaceNoContainerRegistry: LabPolicy = {
    name: "ml-workspace-no-container-registry",
    description: "Azure ML workspaces get no container registry unless the policy config asks for one (allowContainerRegistry); Azure creates one at the first container deployment.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            allowContainerRegistry: {
                type: "boolean",
                default: false,
                description: "True to allow a workspace with a container registry (a registry bills every day it exists).",
            },
        },
    },
    validateResource: validateResourceOfType(ml.Workspace, (workspace, args, report) => {
        const { allowContainerRegistry = false } = args.getConfig<ContainerRegistryPolicyConfig>();
        const registry = workspace.containerRegistry;
        if (!allowContainerRegistry && registry !== undefined && registry !== "") {
            report(
                `containerRegistry is set (${JSON.stringify(registry)}): remove it, or allow it in the policy config ` +
                `({"${mlWorkspaceNoContainerRegistry.name}": {"allowContainerRegistry": true}}).`,
            );
        }
    }),
};

/**
 * The settings of a compute instance (`properties.properties`), or a "not applicable" for other
 * compute types (clusters, attached compute), which have neither setting.
 */
function computeInstanceSettings(compute: Unwrap<ml.ComputeArgs>, args: ResourceValidationArgs) {
    const outer = compute.properties;
    if (outer?.computeType !== "ComputeInstance") {
        return args.notApplicable("only compute instances (computeType ComputeInstance) have these settings");
    }
    return outer.properties ?? {};
}

export const computeInstanceNoPublicSsh: LabPolicy = {
    name: "compute-instance-no-public-ssh",
    description: "Compute instances should keep their public SSH port closed: properties.properties.sshSettings.sshPublicAccess Disabled.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(ml.Compute, (compute, args, report: ReportViolation) => {
        const access = computeInstanceSettings(compute, args).sshSettings?.sshPublicAccess;
        if (access === undefined) {
            report("sshSettings.sshPublicAccess is not set: set it to Disabled so the SSH port stays closed.");
        } else if (access !== ml.SshPublicAccess.Disabled) {
            report(`sshSettings.sshPublicAccess is ${JSON.stringify(access)}: the instance's SSH port is open to the internet; set it to Disabled unless this stack needs SSH.`);
        }
    }),
};

export const computeInstanceIdleShutdown: LabPolicy = {
    name: "compute-instance-idle-shutdown",
    description: "Compute instances should shut down when idle: properties.properties.idleTimeBeforeShutdown set (e.g. PT60M).",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(ml.Compute, (compute, args, report) => {
        const idle = computeInstanceSettings(compute, args).idleTimeBeforeShutdown;
        if (typeof idle !== "string" || idle.trim() === "") {
            report("idleTimeBeforeShutdown is not set: a forgotten instance runs, and bills, until someone stops it; set it, e.g. PT60M.");
        }
    }),
};

/** Every policy of the pack, mandatory ones first. */
export const POLICIES: readonly LabPolicy[] = [
    storageNoPublicBlobAccess,
    storageMinimumTls12,
    storageHttpsOnly,
    keyVaultRbacAuthorization,
    appInsightsWorkspaceBased,
    mlWorkspaceNoContainerRegistry,
    computeInstanceNoPublicSsh,
    computeInstanceIdleShutdown,
];
