namespace RankDistill.Workflows.Tests.Demo;

public sealed class NdcgTests
{
    [Fact]
    public void At_IdealOrder_One() => Assert.Equal(1.0, Ndcg.At(5, [3, 2, 0], [0.9, 0.5, 0.1]), 12);

    [Fact]
    public void At_SwappedTopTwo_ByHand()
    {
        // DCG = (2^2−1)/log2(2) + (2^3−1)/log2(3) = 3 + 4.4165; ideal = 7 + 3/log2(3) = 8.8928.
        Assert.Equal((3 + 7 / Math.Log2(3)) / (7 + 3 / Math.Log2(3)), Ndcg.At(5, [3, 2, 0], [0.5, 0.9, 0.1]), 12);
    }

    [Fact]
    public void At_AllIrrelevant_Zero() => Assert.Equal(0.0, Ndcg.At(5, [0, 0], [1, 2]));
}
