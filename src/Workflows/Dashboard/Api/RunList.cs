using System.Text.Json.Serialization;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// Every completed pipeline run in the artifact store, in the order they completed (<c>GET /api/runs</c>, the CLI's
/// <c>runs</c>), and the run whose model <c>models/published/current.json</c> names (null when none is published).
/// </summary>
internal sealed record RunList(IReadOnlyList<RunSummary> Runs, string? PublishedRunId);

/// <summary>
/// One completed run as its manifest and report tell it: the drop, when it ran, the three rankers' NDCG@5 and PNR on
/// its held-out queries (null when its report cannot be read), the student's speed-up over its teacher, the publish
/// decision and its reason, <see cref="PublishedBefore"/> (the run whose model was in service when the gates were
/// applied; null when none was or the run predates that record) and whether its model is the one in service now.
/// </summary>
internal sealed record RunSummary(
    string RunId,
    string DropId,
    DateTime StartedAt,
    DateTime? CompletedAt,
    RankerScores? Teacher,
    RankerScores? Student,
    RankerScores? Bm25,
    double? StudentVsTeacher,
    double? StudentSpeedup,
    bool Promoted,
    string? Reason,
    string? PublishedBefore,
    bool Published);

/// <summary>The two metrics the runs page compares across drops. PNR is +∞ when no labelled pair is ordered against the labels ("Infinity" in JSON).</summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed record RankerScores(double Ndcg5, double Pnr);
