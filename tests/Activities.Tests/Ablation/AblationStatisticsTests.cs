using RankDistill.Activities.Ablation;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Activities.Tests.Ablation;

/// <summary>The ablation's arithmetic: spreads over seeds, paired differences, and what they allow one to say.</summary>
public sealed class AblationStatisticsTests
{
    [Fact]
    public void Of_TwoValues_MeanAndSampleStandardDeviation()
    {
        var spread = AblationStatistics.Of([0.1, 0.3]);

        Assert.Equal(0.2, spread.Mean, 12);
        Assert.Equal(Math.Sqrt(0.02), spread.StandardDeviation, 12);
        Assert.Equal(2, spread.Seeds);
    }

    [Fact]
    public void Of_OneValue_HasNoSpread()
    {
        Assert.True(double.IsNaN(AblationStatistics.Of([0.5]).StandardDeviation));
    }

    [Fact]
    public void Summarize_ThreeSeeds_PairsBySeedAndCallsOnlyWhatStandsOutOfTheNoise()
    {
        // Arms listed out of seed order: pairs are made by seed, not by position.
        ArmResult[] arms =
        [
            Arm(AblationDesign.StudentHybrid, 1, 0.70), Arm(AblationDesign.StudentHybrid, 2, 0.60), Arm(AblationDesign.StudentHybrid, 3, 0.80),
            Arm(AblationDesign.StudentMse, 3, 0.75), Arm(AblationDesign.StudentMse, 1, 0.65), Arm(AblationDesign.StudentMse, 2, 0.56),
            Arm(AblationDesign.StudentMargin, 1, 0.75), Arm(AblationDesign.StudentMargin, 2, 0.55), Arm(AblationDesign.StudentMargin, 3, 0.80),
        ];

        var summary = AblationStatistics.Summarize(new AblationReportRequest("ablation-x", "x", [1, 2, 3], PipelineSettings.Tiny, arms));

        var mse = summary.Comparisons.Single(c => c.Key == "hybrid_vs_mse");
        Assert.Equal([0.05, 0.04, 0.05], mse.Ndcg5Differences.Select(d => Math.Round(d, 6)));
        Assert.Equal(3, mse.Wins);
        Assert.EndsWith("clear over seeds, as the paper", mse.Here, StringComparison.Ordinal);
        var margin = summary.Comparisons.Single(c => c.Key == "hybrid_vs_margin");
        Assert.Equal(0.0, margin.Ndcg5.Mean, 12);
        Assert.EndsWith("within seed noise", margin.Here, StringComparison.Ordinal);
        // Only the comparisons whose arms ran are reported.
        Assert.Equal(["hybrid_vs_mse", "hybrid_vs_margin"], summary.Comparisons.Select(c => c.Key));
        Assert.Equal(0.7, summary.Variants.Single(v => v.Variant == AblationDesign.StudentHybrid).Ndcg5.Mean, 12);
    }

    [Fact]
    public void Summarize_OneSeed_SaysNothingCanBeConcluded()
    {
        ArmResult[] arms = [Arm(AblationDesign.Teacher, 4, 0.8), Arm(AblationDesign.TeacherWithoutCpt, 4, 0.7)];

        var summary = AblationStatistics.Summarize(new AblationReportRequest("ablation-x", "x", [4], PipelineSettings.Tiny, arms));

        var cpt = Assert.Single(summary.Comparisons);
        Assert.Equal("cpt_gain", cpt.Key);
        Assert.Equal(0.1, cpt.Ndcg5.Mean, 12);
        Assert.Contains("no conclusion", cpt.Here, StringComparison.Ordinal);
    }

    private static ArmResult Arm(string variant, int seed, double ndcg5) =>
        new(variant, seed, $"runs/ablation-x/arms/{variant}-s{seed}/models/x", new ArmMetrics(new RankerMetrics(0, 0, ndcg5, ndcg5, 2, 1), 10));
}
