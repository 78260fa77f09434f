using Microsoft.Extensions.Logging;

namespace RankDistill.Activities.Ablation;

/// <summary>Log messages of the ablation's activities (event ids 5300–5399; the pipeline's activities have the 5000s and 5100s).</summary>
internal static partial class Logs
{
    [LoggerMessage(5300, LogLevel.Information, "Arm {ArmRunId}: its metrics at {Path} are there; not scored again.")]
    public static partial void ArmMetricsReused(ILogger logger, string armRunId, string path);

    [LoggerMessage(5301, LogLevel.Information, "Arm {ArmRunId}: NDCG@5 {Ndcg5:0.0000}, NDCG@10 {Ndcg10:0.0000}, PNR {Pnr:0.000} on {Queries} test queries.")]
    public static partial void ArmEvaluated(ILogger logger, string armRunId, double ndcg5, double ndcg10, double pnr, int queries);

    [LoggerMessage(5302, LogLevel.Warning, "Arm {ArmRunId}: the metrics at {Path} do not read back ({Problem}); scoring again.")]
    public static partial void ArmMetricsDamaged(ILogger logger, string armRunId, string path, string problem);

    [LoggerMessage(5303, LogLevel.Information, "Ablation {RunId}: {Arms} arms over {Seeds} seeds; report at {Path}.")]
    public static partial void AblationReported(ILogger logger, string runId, int arms, int seeds, string path);
}
