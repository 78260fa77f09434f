using System.Text.Json.Serialization;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Activities.Ablation;

// The payloads between the AblationStudy orchestration and the ablation's own activities (the arms' training goes
// through the pipeline's activities and contracts). Artifact names, never data.

/// <summary>Which kind of model an arm evaluates: a decoder teacher or a BERT student.</summary>
public enum ArmModel
{
    Teacher,
    Student,
}

/// <summary>Input of <see cref="ArmEvaluation"/>: score <paramref name="ModelPath"/> on the test lists of <paramref name="DataRunId"/>.</summary>
public sealed record ArmEvaluationRequest(string DataRunId, string ArmRunId, string ModelPath, ArmModel Model, int MaxSequenceLength);

/// <summary>One arm's metrics on the held-out test lists.</summary>
public sealed record ArmMetrics(RankerMetrics Metrics, int TestQueries);

/// <summary>One variant trained and evaluated on one seed.</summary>
public sealed record ArmResult(string Variant, int Seed, string ModelPath, ArmMetrics Result);

/// <summary>Input of <see cref="AblationReport"/>: every arm's result.</summary>
public sealed record AblationReportRequest(string RunId, string DropId, IReadOnlyList<int> Seeds, PipelineSettings Settings, IReadOnlyList<ArmResult> Arms);

/// <summary>A metric over seeds: mean and sample standard deviation (NaN with one seed: one draw has no spread).</summary>
[JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
public sealed record Spread(double Mean, double StandardDeviation, int Seeds);

/// <summary>A variant over its seeds: NDCG@5, NDCG@10 and PNR.</summary>
public sealed record VariantSummary(string Variant, string Study, string Description, Spread Ndcg5, Spread Ndcg10, Spread Pnr);

/// <summary>
/// A paired comparison, <paramref name="Variant"/> minus <paramref name="Against"/> seed by seed (same seed, same data,
/// same start), summarised over seeds; <paramref name="Wins"/> counts the seeds where the variant's NDCG@5 is higher.
/// <paramref name="Paper"/> is what the paper reports, <paramref name="Here"/> what this run shows, in words.
/// </summary>
public sealed record PairedComparison(
    string Key, string Study, string Variant, string Against, string Paper, string Here,
    IReadOnlyList<double> Ndcg5Differences, Spread Ndcg5, Spread Ndcg10, Spread Pnr, int Wins);

/// <summary>The ablation's findings: every variant over its seeds and the paired comparisons; what report.json holds.</summary>
public sealed record AblationSummary(
    string RunId, string DropId, IReadOnlyList<int> Seeds, int TestQueries,
    IReadOnlyList<VariantSummary> Variants, IReadOnlyList<PairedComparison> Comparisons, IReadOnlyList<ArmResult> Arms);

/// <summary>What the ablation returns: its findings and where the report is.</summary>
public sealed record AblationOutput(string RunId, AblationSummary Summary, string ReportJson, string ReportHtml);
