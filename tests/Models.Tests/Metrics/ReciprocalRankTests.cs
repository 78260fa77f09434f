using RankDistill.Models.Metrics;

namespace RankDistill.Models.Tests.Metrics;

public sealed class ReciprocalRankTests
{
    [Fact]
    public void At_FirstRelevantAtRankThree_IsOneThird()
    {
        Assert.Equal(1.0 / 3, ReciprocalRank.At(new RankedQuery("q", [0, 0, 2, 1], [0.9, 0.8, 0.7, 0.6]), 10)!.Value, 12);
    }

    [Fact]
    public void At_FirstRelevantBeyondCutOff_IsZero()
    {
        var labels = new double[12];
        labels[11] = 1;
        var scores = Enumerable.Range(0, 12).Select(i => (double)-i).ToArray();
        Assert.Equal(0.0, ReciprocalRank.At(new RankedQuery("q", labels, scores), 10));
    }

    [Fact]
    public void At_OneRelevantInThreeTied_IsMeanOverItsThreePositions()
    {
        var q = new RankedQuery("q", [1, 0, 0], [0.5, 0.5, 0.5]);
        Assert.Equal((1 + 1.0 / 2 + 1.0 / 3) / 3, ReciprocalRank.At(q, 10)!.Value, 12);
    }

    [Fact]
    public void At_TwoRelevantInThreeTiedAfterAnIrrelevantDocument_MatchesEnumeratedOrders()
    {
        // First group: one irrelevant document at rank 1. Tied group RRN, RNR, NRR: first relevant at rank 2, 2, 3.
        var q = new RankedQuery("q", [0, 1, 1, 0], [0.9, 0.5, 0.5, 0.5]);
        Assert.Equal((1.0 / 2 + 1.0 / 2 + 1.0 / 3) / 3, ReciprocalRank.At(q, 10)!.Value, 12);
    }

    [Fact]
    public void At_NoRelevantDocument_IsUndefined()
    {
        Assert.Null(ReciprocalRank.At(new RankedQuery("q", [0, 0], [1, 2]), 10));
    }
}
