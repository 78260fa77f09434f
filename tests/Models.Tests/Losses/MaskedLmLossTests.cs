using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Losses;

public sealed class MaskedLmLossTests
{
    // One sequence of three positions over a vocabulary of two: uniform, token 0 at 3/4, token 1 certain.
    private static Tensor Logits() => tensor(new float[] { 0, 0, MathF.Log(3), 0, -50, 50 }, [1, 3, 2]);

    [Fact]
    public void Compute_MaskedPositions_MeanNllOfTheirOwnLabels()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 1, 0, -100 }, [1, 3]);

        double loss = MaskedLmLoss.Compute(Logits(), labels).item<float>();

        // No shift: position 0 is scored on label 0 (p = 1/2), position 1 on label 1 (p = 3/4).
        Assert.Equal((Math.Log(2) + Math.Log(4.0 / 3)) / 2, loss, 6);
    }

    [Fact]
    public void Compute_NothingMasked_IsZeroWithFiniteGradient()
    {
        using var scope = NewDisposeScope();
        var logits = Logits().requires_grad_();
        var loss = MaskedLmLoss.Compute(logits, full(1, 3, -100L));
        loss.backward();

        Assert.Equal(0f, loss.item<float>());
        Assert.True(logits.grad!.isfinite().all().item<bool>());
    }

    [Fact]
    public void Compute_MismatchedShapes_Throws()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => MaskedLmLoss.Compute(Logits(), full(1, 2, -100L)));
    }
}
