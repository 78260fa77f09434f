using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.Models.Metrics;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// Scores one arm's model on the shared run's held-out test lists (the same lists for every arm) and writes NDCG,
/// PNR and MRR to <see cref="AblationLayout.ArmMetrics"/>. Unlike Evaluation it times nothing and scores one model:
/// an ablation compares rankings, and its arms would otherwise pay for throughput passes nobody reads. Idempotent:
/// metrics already written are returned as they are.
/// </summary>
public sealed class ArmEvaluation(
    IArtifactStore store,
    IOptions<DeviceOptions> deviceOptions,
    IOptions<EvaluationOptions> options,
    ActivityCancellation cancellation,
    ILogger<ArmEvaluation> logger) : TaskActivity<ArmEvaluationRequest, ArmMetrics>
{
    public override async Task<ArmMetrics> RunAsync(TaskActivityContext context, ArmEvaluationRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = cancellation.Token;
        var path = AblationLayout.ArmMetrics(input.ArmRunId);
        if (await TryReadAsync(input.ArmRunId, path, ct) is { } stored)
        {
            Logs.ArmMetricsReused(logger, input.ArmRunId, path);
            return stored;
        }

        var device = TorchRuntime.Configure(deviceOptions.Value, logger);
        var test = await TestSet.ReadAsync(store, input.DataRunId, ct);
        using var scratch = StageScratch.Create(input.ArmRunId, RunLayout.Stages.Evaluation, logger, options.Value.WorkDirectory);
        var kind = input.Model == ArmModel.Teacher ? RankerKind.Decoder : RankerKind.Bert;
        double[][] scores;
        using (var ranker = await LoadedRanker.LoadAsync(store, input.ModelPath, kind, scratch.Path, device, ct))
            scores = ranker.ScoreLists(test.Lists, input.MaxSequenceLength, null, ct);
        var report = RankingMetrics.Evaluate(test.Ranked(scores));
        if (report.EvaluatedQueries == 0)
            throw new InvalidDataException($"None of the {test.Lists.Count} test queries of run '{input.DataRunId}' has a document graded above 0: NDCG is undefined.");

        var result = new ArmMetrics(Evaluation.ToMetrics(report), test.Lists.Count);
        await store.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(result, ReportSet.Json), ct);
        Logs.ArmEvaluated(logger, input.ArmRunId, report.Ndcg5, report.Ndcg10, report.Pnr, test.Lists.Count);
        return result;
    }

    /// <summary>The stored metrics, or null when there are none or they do not read back (a store write is atomic, so that is damage).</summary>
    private async Task<ArmMetrics?> TryReadAsync(string armRunId, string path, CancellationToken ct)
    {
        if (!await store.ExistsAsync(path, ct))
            return null;
        try
        {
            return JsonSerializer.Deserialize<ArmMetrics>(await store.ReadAllBytesAsync(path, cancellationToken: ct), ReportSet.Json);
        }
        catch (JsonException e)
        {
            Logs.ArmMetricsDamaged(logger, armRunId, path, e.Message);
            return null;
        }
    }
}
