using RankDistill.Models.Metrics;

namespace RankDistill.Models.Tests.Metrics;

public sealed class NdcgTests
{
    // Score order: d1 (label 2), d2 (0), d3 (1), d0 (3). Gains 2^l - 1: 3, 0, 1, 7. Ideal order: 7, 3, 1, 0.
    private static readonly RankedQuery _mixed = new("q", [3, 2, 0, 1], [0.1, 0.4, 0.3, 0.2]);

    [Fact]
    public void At_MixedGrades_MatchesHandComputedValues()
    {
        double ideal3 = 7 + 3 / Math.Log2(3) + 1 / Math.Log2(4);
        Assert.Equal(3.0 / 7, Ndcg.At(_mixed, 1)!.Value, 12);
        Assert.Equal((3 + 0 / Math.Log2(3) + 1 / Math.Log2(4)) / ideal3, Ndcg.At(_mixed, 3)!.Value, 12);

        double dcg4 = 3 + 0 + 1 / Math.Log2(4) + 7 / Math.Log2(5);
        Assert.Equal(dcg4 / (ideal3 + 0), Ndcg.At(_mixed, 4)!.Value, 12);
    }

    [Fact]
    public void At_CutOffBeyondListLength_EqualsFullListValue()
    {
        Assert.Equal(Ndcg.At(_mixed, 4)!.Value, Ndcg.At(_mixed, 10)!.Value, 12);
    }

    [Fact]
    public void At_TiedScores_AveragesOverTheOrdersOfTheTie()
    {
        // Labels 1 and 0 tied: each position holds a mean gain of 0.5.
        var tied = new RankedQuery("q", [1, 0], [0.5, 0.5]);
        Assert.Equal(0.5, Ndcg.At(tied, 1)!.Value, 12);
        Assert.Equal(0.5 * (1 + 1 / Math.Log2(3)), Ndcg.At(tied, 2)!.Value, 12);
    }

    [Fact]
    public void At_TiedScoresInLabelOrder_DoNotEarnThePerfectScoreOfTheInputOrder()
    {
        var constantScorer = new RankedQuery("q", [4, 3, 2, 1, 0], [0, 0, 0, 0, 0]);
        Assert.True(Ndcg.At(constantScorer, 5)!.Value < 0.8);
    }

    [Fact]
    public void At_AllLabelsZero_IsUndefined()
    {
        Assert.Null(Ndcg.At(new RankedQuery("q", [0, 0, 0], [0.3, 0.2, 0.1]), 5));
    }

    [Fact]
    public void At_SingleRelevantDocument_IsOne()
    {
        Assert.Equal(1.0, Ndcg.At(new RankedQuery("q", [2], [-1.5]), 5));
    }
}
