using System.Globalization;

namespace RankDistill.Activities.Ablation;

/// <summary>
/// The ablation's arithmetic: means and spreads over seeds, and the paired comparisons. Paired because each seed is one
/// draw of everything the seed decides (initial weights, batch order) shared by both sides, so the difference per seed
/// removes that draw and its spread is the one that matters. Pure.
/// </summary>
public static class AblationStatistics
{
    /// <summary>Mean and sample standard deviation (n − 1; NaN for one value).</summary>
    public static Spread Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            return new Spread(double.NaN, double.NaN, 0);
        var mean = values.Average();
        var sd = values.Count < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new Spread(mean, sd, values.Count);
    }

    public static AblationSummary Summarize(AblationReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var variants = AblationDesign.Variants
            .Select(v => (Design: v, Arms: request.Arms.Where(a => a.Variant == v.Name).OrderBy(a => a.Seed).ToList()))
            .Where(v => v.Arms.Count > 0)
            .Select(v => new VariantSummary(v.Design.Name, v.Design.Study, v.Design.Description,
                Of([.. v.Arms.Select(a => a.Result.Metrics.Ndcg5)]), Of([.. v.Arms.Select(a => a.Result.Metrics.Ndcg10)]), Of([.. v.Arms.Select(a => a.Result.Metrics.Pnr)])))
            .ToList();
        var comparisons = AblationDesign.Comparisons.Select(c => Compare(c, request.Arms)).OfType<PairedComparison>().ToList();
        var testQueries = request.Arms.Select(a => a.Result.TestQueries).DefaultIfEmpty(0).Max();
        return new AblationSummary(request.RunId, request.DropId, request.Seeds, testQueries, variants, comparisons, request.Arms);
    }

    /// <summary>The comparison over the seeds both sides ran on; null when they share none.</summary>
    private static PairedComparison? Compare(AblationDesign.Comparison comparison, IReadOnlyList<ArmResult> arms)
    {
        var pairs = arms.Where(a => a.Variant == comparison.Variant)
            .Join(arms.Where(a => a.Variant == comparison.Against), a => a.Seed, b => b.Seed, (a, b) => (A: a.Result.Metrics, B: b.Result.Metrics))
            .ToList();
        if (pairs.Count == 0)
            return null;
        List<double> ndcg5 = [.. pairs.Select(p => p.A.Ndcg5 - p.B.Ndcg5)];
        var spread = Of(ndcg5);
        return new PairedComparison(comparison.Key, comparison.Study, comparison.Variant, comparison.Against, comparison.Paper,
            Here(comparison, spread, ndcg5.Count(d => d > 0)), ndcg5, spread,
            Of([.. pairs.Select(p => p.A.Ndcg10 - p.B.Ndcg10)]), Of([.. pairs.Select(p => p.A.Pnr - p.B.Pnr)]), ndcg5.Count(d => d > 0));
    }

    /// <summary>
    /// In words: the NDCG@5 difference, its spread, and whether it stands out of the seed noise: a mean further from 0
    /// than two standard errors (sd / √n) is called clear; with one seed nothing can be called.
    /// </summary>
    public static string Here(AblationDesign.Comparison comparison, Spread difference, int wins)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        ArgumentNullException.ThrowIfNull(difference);
        var text = Invariant($"{comparison.Variant} − {comparison.Against} = {difference.Mean:+0.000;-0.000;0.000}");
        if (difference.Seeds < 2)
            return text + " on one seed: no spread, so no conclusion";
        text += Invariant($" ± {difference.StandardDeviation:0.000} (sd over {difference.Seeds} seeds, higher on {wins}/{difference.Seeds})");
        var standardError = difference.StandardDeviation / Math.Sqrt(difference.Seeds);
        if (!double.IsFinite(difference.Mean) || !(Math.Abs(difference.Mean) > 2 * standardError))
            return text + ": within seed noise";
        var higher = difference.Mean > 0;
        return text + (comparison.PaperExpectsHigher switch
        {
            null => ": clear over seeds",
            var expected when expected == higher => ": clear over seeds, as the paper",
            _ => ": clear over seeds, against the paper",
        });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
