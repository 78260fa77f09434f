using System.Globalization;
using RankDistill.Activities.Ablation;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// What <c>ablate</c> prints at the end: every variant over seeds, each paired comparison with the paper's claim beside
/// ours, and as the last line the summary scripts parse:
/// <c>ablation: hybrid_vs_mse=0.012 hybrid_vs_margin=-0.003 cpt_gain=0.051 last_token_vs_mean=0.020 seeds=1,2,3</c>
/// (mean paired differences in NDCG@5).
/// </summary>
internal static class AblationConsoleReport
{
    /// <summary>The comparisons the last line carries, in its order.</summary>
    public static readonly IReadOnlyList<string> SummaryKeys = ["hybrid_vs_mse", "hybrid_vs_margin", "cpt_gain", "last_token_vs_mean"];

    public static async Task WriteAsync(TextWriter output, AblationSummary summary, string? reportLocation)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(summary);
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Ablation {summary.RunId}: seeds {string.Join(",", summary.Seeds)}, {summary.TestQueries} held-out test queries; mean ± sd over seeds");
        var variants = new TextTable("VARIANT", "STUDY", "NDCG@5", "NDCG@10", "PNR");
        foreach (var v in summary.Variants)
            variants.Add(v.Variant, v.Study, S(v.Ndcg5, "0.000"), S(v.Ndcg10, "0.000"), S(v.Pnr, "0.00"));
        await variants.WriteAsync(output, "  ");
        await output.WriteLineAsync();
        await output.WriteLineAsync("  Paired differences in NDCG@5 (same seed both sides); clear = more than two standard errors from 0:");
        foreach (var c in summary.Comparisons)
            await output.WriteLineAsync($"  {c.Key}: paper: {c.Paper}; here: {c.Here}");
        if (reportLocation is not null)
            await output.WriteLineAsync($"  full report: {reportLocation}");
        await output.WriteLineAsync(SummaryLine(summary));
    }

    /// <summary>The last line, exactly: mean NDCG@5 differences with 3 decimals (n/a when a comparison is missing), the seeds.</summary>
    public static string SummaryLine(AblationSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var values = SummaryKeys.Select(key => summary.Comparisons.FirstOrDefault(c => c.Key == key) is { } c && double.IsFinite(c.Ndcg5.Mean)
            ? $"{key}={c.Ndcg5.Mean.ToString("F3", CultureInfo.InvariantCulture)}"
            : $"{key}=n/a");
        return $"ablation: {string.Join(' ', values)} seeds={string.Join(",", summary.Seeds)}";
    }

    private static string S(Spread spread, string format) =>
        F(spread.Mean, format) + (double.IsFinite(spread.StandardDeviation) ? " ± " + spread.StandardDeviation.ToString(format, CultureInfo.InvariantCulture) : "");

    private static string F(double value, string format) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);
}
