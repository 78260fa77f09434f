using Microsoft.DurableTask;
using RankDistill.Activities.Ablation;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>The ablation's own activities as typed calls (its arms' training uses <see cref="PipelineCalls"/>).</summary>
internal static class AblationCalls
{
    public static Task<ArmMetrics> CallArmEvaluationAsync(this TaskOrchestrationContext context, ArmEvaluationRequest request) =>
        context.CallActivityAsync<ArmMetrics>(nameof(ArmEvaluation), request, PipelineSteps.Default);

    public static Task<AblationOutput> CallAblationReportAsync(this TaskOrchestrationContext context, AblationReportRequest request) =>
        context.CallActivityAsync<AblationOutput>(nameof(AblationReport), request, PipelineSteps.Default);
}
