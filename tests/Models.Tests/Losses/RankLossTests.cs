using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Losses;

public sealed class RankLossTests
{
    // Query 1: three documents and one padded slot whose score is NaN and label high: it must not count.
    // Query 2: two documents. Query 3: a single document of label 0 (no pairs, no listwise target).
    private static (Tensor Scores, Tensor Labels, Tensor Mask) Batch() =>
    (
        tensor(new float[] { 2, 1.5f, 0, float.NaN, 0.3f, 0.1f, 7, 7, 5, 0, 0, 0 }, [3, 4]).requires_grad_(),
        tensor(new float[] { 2, 1, 0, 9, 0, 1, 0, 0, 0, 0, 0, 0 }, [3, 4]),
        tensor(new[] { true, true, true, false, true, true, false, false, true, false, false, false }, [3, 4])
    );

    private static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    [Fact]
    public void PairwiseHinge_MaskedLists_MeanOverLabelledPairs()
    {
        using var scope = NewDisposeScope();
        var (scores, labels, mask) = Batch();

        var loss = RankLoss.Compute(RankLossKind.PairwiseHinge, scores, labels, mask, margin: 1.0);

        // Pairs (y_i > y_j): q1 (0,1) gap 0.5 → 0.5, (0,2) gap 2 → 0, (1,2) gap 1.5 → 0; q2 (1,0) gap -0.2 → 1.2.
        Assert.Equal((0.5 + 0 + 0 + 1.2) / 4, loss.item<float>(), 6);
    }

    [Fact]
    public void RankNet_MaskedLists_MeanLogisticLossOverLabelledPairs()
    {
        using var scope = NewDisposeScope();
        var (scores, labels, mask) = Batch();

        var loss = RankLoss.Compute(RankLossKind.RankNet, scores, labels, mask);

        double expected = (Softplus(-0.5) + Softplus(-2) + Softplus(-1.5) + Softplus(0.2)) / 4;
        Assert.Equal(expected, loss.item<float>(), 6);
    }

    [Fact]
    public void ListwiseSoftmax_MaskedLists_MeanCrossEntropyOverQueriesWithPositive()
    {
        using var scope = NewDisposeScope();
        var (scores, labels, mask) = Batch();

        var loss = RankLoss.Compute(RankLossKind.ListwiseSoftmax, scores, labels, mask);

        double lse1 = Math.Log(Math.Exp(2) + Math.Exp(1.5) + Math.Exp(0));
        double q1 = -(2.0 / 3 * (2 - lse1) + 1.0 / 3 * (1.5 - lse1));
        double q2 = -(0.1 - Math.Log(Math.Exp(0.3) + Math.Exp(0.1)));
        Assert.Equal((q1 + q2) / 2, loss.item<float>(), 5);
    }

    [Theory]
    [InlineData(RankLossKind.PairwiseHinge)]
    [InlineData(RankLossKind.RankNet)]
    [InlineData(RankLossKind.ListwiseSoftmax)]
    public void Compute_PaddedPositions_GetZeroGradientAndNoNaN(RankLossKind kind)
    {
        using var scope = NewDisposeScope();
        var (scores, labels, mask) = Batch();

        var loss = RankLoss.Compute(kind, scores, labels, mask);
        loss.backward();

        var grad = scores.grad!;
        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.True(grad.isfinite().all().item<bool>());
        Assert.Equal(0f, grad.masked_select(mask.logical_not()).abs().sum().item<float>());
        Assert.True(grad.masked_select(mask).abs().sum().item<float>() > 0);
    }

    [Fact]
    public void PairwiseHinge_NoLabelledPair_IsZero()
    {
        using var scope = NewDisposeScope();
        var loss = RankLoss.Compute(RankLossKind.PairwiseHinge, tensor(new float[] { 1, 2 }, [1, 2]), zeros(1, 2), ones(1, 2, dtype: ScalarType.Bool));
        Assert.Equal(0f, loss.item<float>());
    }
}
