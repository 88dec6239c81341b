/**
 * The component library's public entry point (the `mllab` package, built from lib/): every component
 * class with its Args type, the types and enums those args use, and its defaults. Not the Pulumi
 * program (../index.ts) and not its config.
 *
 * Every class exported here that extends ComponentResource is also offered to Python, Go, .NET and
 * YAML by `pulumi package add` (lib/PulumiPlugin.yaml): its type token must be
 * `mllab:index:<ClassName>` and its Args an interface that Pulumi's schema inference accepts (no union
 * or intersection types, no fields typed as another component); tests/schema.test.ts checks both.
 */
export {
    MlWorkspace,
    ManagedNetworkIsolationMode,
    WorkspaceLockLevel,
    ML_WORKSPACE_DEFAULTS,
    ML_WORKSPACE_TIMEOUTS,
    mlWorkspaceArgsProblem,
    STORAGE_CLOSED_TO_UPLOADS,
} from "./mlWorkspace";
export type { MlWorkspaceArgs } from "./mlWorkspace";

export {
    ComputeInstance,
    ComputeScheduleAction,
    ComputeScheduleFrequency,
    ComputeScheduleWeekDay,
    COMPUTE_INSTANCE_DEFAULTS,
    COMPUTE_INSTANCE_LIMITS,
    COMPUTE_INSTANCE_TIMEOUTS,
    computeInstanceArgsProblem,
} from "./computeInstance";
export type { ComputeInstanceArgs, ComputeInstanceRecurrence, ComputeInstanceSchedule } from "./computeInstance";

export { ComputeCluster, COMPUTE_CLUSTER_DEFAULTS, COMPUTE_CLUSTER_LIMITS, COMPUTE_CLUSTER_TIMEOUTS, computeClusterArgsProblem } from "./computeCluster";
export type { ComputeClusterArgs } from "./computeCluster";

export { Classroom, AZUREML_DATA_SCIENTIST_ROLE, CLASSROOM_DEFAULTS, CLASSROOM_LIMITS, classroomArgsProblem } from "./classroom";
export type { ClassroomArgs, ClassroomAssignment, ClassroomLearner } from "./classroom";

export { TrainingPipeline, TRAINING_PIPELINE_DEFAULTS } from "./trainingPipeline";
export type { TrainingPipelineArgs } from "./trainingPipeline";

export { Dp100Lab, TrainingCompute, LAB_DEFAULTS, LAB_STORAGE_CLOSED, labArgsProblems } from "./lab";
export type {
    Dp100LabArgs,
    LabArgsProblem,
    LabClassroomOptions,
    LabComputeClusterOptions,
    LabComputeInstanceOptions,
    LabWorkspaceOptions,
} from "./lab";
