using System.Text.Json;
using RankDistill.Models.Metrics;

namespace RankDistill.Models.Tests.Metrics;

public sealed class RankingMetricsTests
{
    [Fact]
    public void PairCounts_PerfectOrder_PnrIsInfiniteAndFractionOne()
    {
        var counts = PairCounts.Of(new RankedQuery("q", [2, 1, 0], [0.3, 0.2, 0.1]));
        Assert.Equal(new PairCounts(3, 0, 3), counts);
        Assert.Equal(double.PositiveInfinity, counts.Pnr);
        Assert.Equal(1.0, counts.ConcordantFraction);
    }

    [Fact]
    public void PairCounts_TiedScores_CountHalfEachWay()
    {
        // (d0,d1) and (d0,d2) discordant; (d1,d2) labels 1 > 0 with tied scores: half and half.
        var counts = PairCounts.Of(new RankedQuery("q", [2, 1, 0], [0.1, 0.3, 0.3]));
        Assert.Equal(new PairCounts(0.5, 2.5, 3), counts);
        Assert.Equal(0.2, counts.Pnr, 12);
    }

    [Fact]
    public void PairCounts_EqualLabels_AreNotPairs()
    {
        var counts = PairCounts.Of(new RankedQuery("q", [1, 1, 0, 0], [0.1, 0.9, 0.5, 0.5]));
        // Only the four (label 1, label 0) pairs count: d1 beats both, d0 loses to both.
        Assert.Equal(new PairCounts(2, 2, 4), counts);
    }

    [Fact]
    public void Evaluate_MixedQueries_PoolsPairsAndSkipsQueriesWithoutPositive()
    {
        var queries = new[]
        {
            new RankedQuery("perfect", [2, 1, 0], [0.3, 0.2, 0.1]),
            new RankedQuery("reversed-with-tie", [2, 1, 0], [0.1, 0.3, 0.3]),
            new RankedQuery("all-zero", [0, 0], [0.5, 0.1]),
            new RankedQuery("single", [3], [0.0]),
        };

        var report = RankingMetrics.Evaluate(queries);

        Assert.Equal(4, report.Queries);
        Assert.Equal(3, report.EvaluatedQueries);
        Assert.Equal(1, report.SkippedQueries);
        Assert.Equal(6, report.LabelledPairs);
        Assert.Equal(3.5, report.ConcordantPairs);
        Assert.Equal(2.5, report.DiscordantPairs);
        Assert.Equal(3.5 / 2.5, report.Pnr, 12);
        Assert.Equal(3.5 / 6, report.ConcordantFraction, 12);

        // NDCG@1: perfect 1; reversed: tie of labels 1 and 0 on top, mean gain 0.5 over ideal 3; single 1.
        Assert.Equal((1 + 0.5 / 3 + 1) / 3, report.Ndcg1, 12);
        // MRR@10: perfect and single 1; reversed: labels 1 and 0 tied on top, the relevant one first or second: (1 + 1/2) / 2.
        Assert.Equal((1 + 0.75 + 1) / 3, report.Mrr10, 12);
    }

    [Fact]
    public void Evaluate_NoQueryWithPositive_MeansAreNaNAndSerializeToJson()
    {
        var report = RankingMetrics.Evaluate([new RankedQuery("q", [0], [1.0])]);

        Assert.Equal(0, report.EvaluatedQueries);
        Assert.True(double.IsNaN(report.Ndcg5));
        Assert.True(double.IsNaN(report.Pnr));
        string json = JsonSerializer.Serialize(report);
        Assert.Contains("\"Ndcg5\":\"NaN\"", json, StringComparison.Ordinal);
    }
}
