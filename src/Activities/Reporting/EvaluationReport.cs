using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// Everything <c>report.json</c> holds (snake_case keys): the three rankers' full metrics on the same held-out
/// queries, counts, throughput, loss-curve summaries, the TREC files beside it, the activity's
/// <see cref="EvaluationResult"/>, and the promotion decision once Publish has made it (null before).
/// </summary>
public sealed record EvaluationReport
{
    public const string CurrentFormat = "rankdistill.report/1";

    public string Format { get; init; } = CurrentFormat;

    public required string RunId { get; init; }

    /// <summary>Test lists scored (every list with at least one document).</summary>
    public required int TestQueries { get; init; }

    /// <summary>Lists with a positive grade: NDCG and MRR are means over these.</summary>
    public required int EvaluatedQueries { get; init; }

    /// <summary>Lists without a positive grade: left out of NDCG and MRR (no ideal DCG); their pairs, if any, still count for PNR.</summary>
    public required int SkippedQueries { get; init; }

    public required int TestDocuments { get; init; }

    public required RankingReport Teacher { get; init; }

    public required RankingReport Student { get; init; }

    public required RankingReport Bm25 { get; init; }

    public required ThroughputReport Throughput { get; init; }

    public required IReadOnlyList<LossCurveSummary> LossCurves { get; init; }

    /// <summary>Names of the TREC files, relative to the report folder.</summary>
    public required ReportFiles Files { get; init; }

    public required EvaluationResult Result { get; init; }

    public PromotionStatus? Promotion { get; init; }

    /// <summary>
    /// A run's report.json alone, or null when it has none or it is of another format. Unlike the report set's own
    /// reader it does not hash the TREC files beside it: listing every run's numbers would read them all each time.
    /// </summary>
    public static Task<EvaluationReport?> ReadAsync(IArtifactStore store, string runId, CancellationToken cancellationToken) =>
        ReportSet.TryReadJsonAsync(store, runId, cancellationToken);
}

/// <summary>
/// Teacher and student scoring the same candidate documents, one after the other, on the same device and threads.
/// The student is timed in TorchSharp and in ONNX Runtime (its model.onnx, on the CPU); <c>Student*</c> and
/// <c>Speedup</c> are its serving speed, the faster of the two (<c>StudentRuntime</c>). The per-runtime fields are
/// null in reports older than the graph.
/// </summary>
public sealed record ThroughputReport(
    int Documents,
    int WarmupDocuments,
    int TimedPasses,
    string Device,
    int Threads,
    int MaxSequenceLength,
    double TeacherSeconds,
    double StudentSeconds,
    double TeacherDocsPerSecond,
    double StudentDocsPerSecond,
    double Speedup,
    string? StudentRuntime = null,
    double? StudentTorchSeconds = null,
    double? StudentOnnxSeconds = null,
    double? StudentTorchDocsPerSecond = null,
    double? StudentOnnxDocsPerSecond = null);

/// <summary>
/// One training stage's loss curve from its loss.jsonl: update lines only (evaluation lines have no loss), thinned
/// to at most a few hundred <see cref="Points"/> for the plot. Present is false when the stage wrote no log.
/// </summary>
public sealed record LossCurveSummary(
    string Stage,
    bool Present,
    int Updates,
    long FirstStep,
    long LastStep,
    double? FirstLoss,
    double? FinalLoss,
    double? MinLoss,
    int UnreadableLines,
    IReadOnlyList<LossPoint> Points);

public sealed record LossPoint(long Step, double Loss);

public sealed record ReportFiles(string TeacherRun, string StudentRun, string Bm25Run, string Qrels);

/// <summary>
/// Publish's decision, written into the report when it is made. <paramref name="PublishedBefore"/> is the run whose
/// model was in service when the decision was made (null: none was, or the report predates the field).
/// </summary>
public sealed record PromotionStatus(bool Promoted, string Reason, string? PublishedPath, string? PublishedBefore = null);
