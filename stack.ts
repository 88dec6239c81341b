/**
 * The program as functions: the validated config, then the lab, then its stack outputs. index.ts runs
 * them once; tests run them once per configuration without reloading the modules.
 */
import { loadConfig } from "./config";
import { Dp100Lab } from "./components/lab";

/** Reads and validates the config (nothing is registered if it is bad), then builds the lab. */
export function defineLabStack(): Dp100Lab {
    const config = loadConfig();
    return new Dp100Lab("lab", config);
}

/** What `pulumi stack output` shows after a deployment. */
export function labStackOutputs(lab: Dp100Lab) {
    return {
        resourceGroupName: lab.resourceGroupName,
        workspaceName: lab.workspaceName,
        workspaceId: lab.workspaceId,
        studioUrl: lab.studioUrl,
        storageAccountName: lab.storageAccountName,
        keyVaultName: lab.keyVaultName,
        appInsightsName: lab.appInsightsName,
        computeInstanceName: lab.computeInstanceName,
        trainingJobName: lab.trainingJobName,
        trainingJobStudioUrl: lab.trainingJobStudioUrl,
        experimentName: lab.trainingPipeline.experimentName,
        dataAssetNames: lab.trainingPipeline.dataAssetNames,
        dataAssetVersions: lab.trainingPipeline.dataAssetVersions,
        computeClusterName: lab.computeClusterName,
        classroomAssignments: lab.classroomAssignments,
    };
}
