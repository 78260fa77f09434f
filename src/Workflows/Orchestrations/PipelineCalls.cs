using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// The pipeline's activities as typed calls with their retry policies, so that no orchestration spells an activity's
/// name or its result type (the shape of the SDK's generated <c>Call…Async</c> methods).
/// </summary>
internal static class PipelineCalls
{
    public static Task<BaseModels> CallResolveBaseModelsAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<BaseModels>(nameof(ResolveBaseModels), request, PipelineSteps.Default);

    public static Task<PreparedData> CallPrepareDataAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<PreparedData>(nameof(PrepareData), request, PipelineSteps.Default);

    public static Task<TrainedModel> CallContinuedPretrainingAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<TrainedModel>(nameof(ContinuedPretraining), request, PipelineSteps.Gpu);

    public static Task<TrainedModel> CallRankFinetuningAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<TrainedModel>(nameof(RankFinetuning), request, PipelineSteps.Gpu);

    public static Task<LabelShardResult> CallTeacherLabelingAsync(this TaskOrchestrationContext context, LabelShardRequest request) =>
        context.CallActivityAsync<LabelShardResult>(nameof(TeacherLabeling), request, PipelineSteps.Gpu);

    /// <summary>The labelling child runs as <c>&lt;parent&gt;:labeling</c>, tagged with its parent so lists can leave it out.</summary>
    public static Task<IReadOnlyList<LabelShardResult>> CallTeacherLabelingShardsAsync(this TaskOrchestrationContext context, LabelingInput input) =>
        context.CallSubOrchestratorAsync<IReadOnlyList<LabelShardResult>>(nameof(TeacherLabelingShards), input,
            new SubOrchestrationOptions(new TaskOptions(tags: new Dictionary<string, string> { [ParentTag] = context.InstanceId }), $"{context.InstanceId}:labeling"));

    /// <summary>The tag a child instance carries with its parent's instance id.</summary>
    public const string ParentTag = "parentInstanceId";

    public static Task<TrainedModel> CallStudentPretrainingAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<TrainedModel>(nameof(StudentPretraining), request, PipelineSteps.Gpu);

    public static Task<TrainedModel> CallDistillationAsync(this TaskOrchestrationContext context, DistillationRequest request) =>
        context.CallActivityAsync<TrainedModel>(nameof(Distillation), request, PipelineSteps.Gpu);

    public static Task<EvaluationResult> CallEvaluationAsync(this TaskOrchestrationContext context, StageRequest request) =>
        context.CallActivityAsync<EvaluationResult>(nameof(Evaluation), request, PipelineSteps.Default);

    public static Task<PublishResult> CallPublishAsync(this TaskOrchestrationContext context, PublishRequest request) =>
        context.CallActivityAsync<PublishResult>(nameof(Publish), request, PipelineSteps.Default);

    /// <summary>The manifest write: small and idempotent (it rewrites the whole file), retried like a data step.</summary>
    public static Task<string> CallWriteRunManifestAsync(this TaskOrchestrationContext context, RunManifest manifest) =>
        context.CallActivityAsync<string>(nameof(WriteRunManifest), manifest, PipelineSteps.Default);
}
