/**
 * The DP-100 lab stack: reads the validated config, builds the lab, exports what the learner needs.
 * No resource logic lives here (see components/).
 */
import { loadConfig } from "./config";
import { Dp100Lab } from "./components/lab";

const config = loadConfig();
const lab = new Dp100Lab("lab", config);

export const resourceGroupName = lab.resourceGroupName;
export const workspaceName = lab.workspaceName;
export const workspaceId = lab.workspaceId;
export const studioUrl = lab.studioUrl;
export const storageAccountName = lab.storageAccountName;
export const keyVaultName = lab.keyVaultName;
export const appInsightsName = lab.appInsightsName;
export const computeInstanceName = lab.computeInstanceName;
export const trainingJobName = lab.trainingPipeline.jobName;
export const trainingJobStudioUrl = lab.trainingPipeline.jobStudioUrl;
export const experimentName = lab.trainingPipeline.experimentName;
export const dataAssetNames = lab.trainingPipeline.dataAssetNames;
export const dataAssetVersions = lab.trainingPipeline.dataAssetVersions;
export const computeClusterName = lab.computeClusterName;
export const classroomAssignments = lab.classroomAssignments;
