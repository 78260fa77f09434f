using Microsoft.Extensions.Logging;

namespace RankDistill.Activities.Reporting;

/// <summary>Log messages of Evaluation and Publish (event ids 5100–5199; the pipeline steps have the 5000s).</summary>
internal static partial class Logs
{
    [LoggerMessage(5100, LogLevel.Information, "Run {RunId}: the report at {ReportPath} is complete and valid; its result is reused.")]
    public static partial void ReportReused(ILogger logger, string runId, string reportPath);

    [LoggerMessage(5101, LogLevel.Information, "Run {RunId}: scoring {Queries} test queries ({Documents} documents) with {Ranker}.")]
    public static partial void Scoring(ILogger logger, string runId, int queries, int documents, string ranker);

    [LoggerMessage(5102, LogLevel.Information, "Run {RunId}: {Ranker} scored {Documents} documents in {Seconds:0.000} s ({Rate:0.0} documents/s).")]
    public static partial void Throughput(ILogger logger, string runId, string ranker, int documents, double seconds, double rate);

    [LoggerMessage(5103, LogLevel.Information, "Run {RunId}: NDCG@5 teacher {Teacher:0.0000}, student {Student:0.0000}, BM25 {Bm25:0.0000}; {Skipped} of {Queries} queries have no positive grade. Report at {ReportPath}.")]
    public static partial void Evaluated(ILogger logger, string runId, double teacher, double student, double bm25, int skipped, int queries, string reportPath);

    [LoggerMessage(5110, LogLevel.Information, "Run {RunId}: promoted to {PublishedPath}. {Reason}")]
    public static partial void Promoted(ILogger logger, string runId, string publishedPath, string reason);

    [LoggerMessage(5111, LogLevel.Information, "Run {RunId}: not promoted. {Reason}")]
    public static partial void NotPromoted(ILogger logger, string runId, string reason);

    [LoggerMessage(5112, LogLevel.Information, "Run {RunId}: already the published model ({PublishedPath}); nothing to redo.")]
    public static partial void AlreadyPublished(ILogger logger, string runId, string publishedPath);

    [LoggerMessage(5113, LogLevel.Warning, "Run {RunId}: no valid report to record the promotion decision in; the decision stands without it.")]
    public static partial void ReportNotUpdated(ILogger logger, string runId);
}
