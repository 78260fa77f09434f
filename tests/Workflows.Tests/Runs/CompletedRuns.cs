using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Tests.Runs;

/// <summary>
/// What pipeline runs leave in a store, written by the product's own writers (the manifest writer, the report set,
/// the publish gates and pointer) with chosen numbers, so the runs listing is checked against known values without
/// training models. Runs are written in the order they complete, as Publish sees them.
/// </summary>
internal static class CompletedRuns
{
    public sealed record Written(string RunId, string DropId, DateTime CompletedAt, EvaluationReport Report, bool Promoted, string Reason, string? PublishedBefore);

    /// <summary>A completed run of <paramref name="dropId"/>; promoted when the default gates pass against the model in service.</summary>
    public static async Task<Written> WriteAsync(IArtifactStore store, string dropId, DateTime completedAt, double teacher, double student, double bm25, double speedup = 20)
    {
        var ct = TestContext.Current.CancellationToken;
        var runId = DistillationPipeline.InstanceIdFor(dropId);
        var result = new EvaluationResult(Metrics(teacher), Metrics(student), Metrics(bm25), 40, 100, 100 * speedup, RunLayout.ReportJson(runId));
        var current = await PublishedModel.ReadCurrentAsync(store, ct);
        var incumbent = current is null ? null : new PublishDecision.Incumbent(current.RunId, current.Student.Ndcg5);
        var (promoted, reason) = PublishDecision.Decide(result, new PublishGates(), incumbent);
        var report = new EvaluationReport
        {
            RunId = runId,
            TestQueries = 40,
            EvaluatedQueries = 40,
            SkippedQueries = 0,
            TestDocuments = 400,
            Teacher = Ranking(teacher),
            Student = Ranking(student),
            Bm25 = Ranking(bm25),
            Throughput = new ThroughputReport(400, 32, 2, "cpu", 1, 48, 4, 4 / speedup, 100, 100 * speedup, speedup),
            LossCurves = [],
            Files = new ReportFiles(ReportSet.TeacherRun, ReportSet.StudentRun, ReportSet.Bm25Run, ReportSet.Qrels),
            Result = result,
            Promotion = new PromotionStatus(promoted, reason, promoted ? PublishedModel.PathOf(runId) : null, current?.RunId),
        };
        var trec = new Dictionary<string, byte[]>
        {
            [ReportSet.TeacherRun] = [],
            [ReportSet.StudentRun] = [],
            [ReportSet.Bm25Run] = [],
            [ReportSet.Qrels] = [],
        };
        await ReportSet.PublishAsync(store, report, trec, ct);
        if (promoted)
        {
            var record = new PublishedModel(runId, PublishedModel.PathOf(runId), RunLayout.Model(runId, RunLayout.Stages.Distillation), 40,
                result.Student, result.Teacher, reason, current?.RunId);
            await store.WriteAsync(PublishedModel.CurrentPointer, record.ToUtf8(), ct);
        }
        await WriteRunManifest.WriteAsync(store, Manifest(runId, dropId, completedAt) with
        {
            Status = "completed",
            CompletedAt = completedAt,
            Promoted = promoted,
            Reason = reason,
            PublishedBefore = current?.RunId,
        }, ct);
        return new Written(runId, dropId, completedAt, report, promoted, reason, current?.RunId);
    }

    /// <summary>A run that failed (or, with <paramref name="status"/> "running", one still going): it has a manifest but is not listed.</summary>
    public static Task WriteUnfinishedAsync(IArtifactStore store, string dropId, DateTime startedAt, string status) =>
        WriteRunManifest.WriteAsync(store, Manifest(DistillationPipeline.InstanceIdFor(dropId), dropId, startedAt) with
        {
            Status = status,
            Failure = status == "failed" ? "Distillation failed: System.IO.IOException: disk full" : null,
        }, TestContext.Current.CancellationToken);

    private static RunManifest Manifest(string runId, string dropId, DateTime at) => new()
    {
        RunId = runId,
        DropId = dropId,
        Settings = PipelineSettings.Tiny,
        StartedAt = at.AddMinutes(-9),
        Rejected = RunLayout.Rejected(runId),
    };

    private static RankerMetrics Metrics(double ndcg5) => new(ndcg5 - 0.1, ndcg5 - 0.05, ndcg5, ndcg5 + 0.05, Pnr(ndcg5), 0.9);

    private static RankingReport Ranking(double ndcg5) =>
        new(40, 40, 0, ndcg5 - 0.1, ndcg5 - 0.05, ndcg5, ndcg5 + 0.05, 0.9, Pnr(ndcg5), 0.8, 800, 200, 1000);

    // A PNR that follows NDCG@5, so the two charts move together and each value is known to the test.
    internal static double Pnr(double ndcg5) => Math.Round(ndcg5 * 6, 3);
}
