using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Losses;

public sealed class CausalLmLossTests
{
    // One sequence of three tokens over a vocabulary of two. Position 0 is uniform; position 1 gives
    // token 0 probability 3/4; position 2 predicts past the end and must never count.
    private static Tensor Logits() => tensor(new float[] { 0, 0, MathF.Log(3), 0, 50, -50 }, [1, 3, 2]);

    [Fact]
    public void Compute_OutputTokens_MeanNllOfShiftedTargets()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { -100, 1, 0 }, [1, 3]);

        double loss = CausalLmLoss.Compute(Logits(), labels).item<float>();

        // Position 0 predicts label 1 (token 1, p = 1/2); position 1 predicts label 2 (token 0, p = 3/4).
        Assert.Equal((Math.Log(2) + Math.Log(4.0 / 3)) / 2, loss, 6);
    }

    [Fact]
    public void Compute_PromptLabelsIgnored_OnlyOutputTokensCount()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 1, -100, 0 }, [1, 3]);

        Assert.Equal(Math.Log(4.0 / 3), CausalLmLoss.Compute(Logits(), labels).item<float>(), 6);
    }

    [Fact]
    public void Compute_PaddedRowInBatch_ContributesNothing()
    {
        using var scope = NewDisposeScope();
        var logits = cat([Logits(), randn(1, 3, 2) * 10], 0);                // (2, 3, 2)
        var labels = tensor(new long[] { -100, 1, 0, -100, -100, -100 }, [2, 3]);

        Assert.Equal((Math.Log(2) + Math.Log(4.0 / 3)) / 2, CausalLmLoss.Compute(logits, labels).item<float>(), 6);
    }

    [Fact]
    public void Compute_NoCountedToken_IsZeroWithFiniteGradient()
    {
        using var scope = NewDisposeScope();
        var logits = Logits().requires_grad_();
        var loss = CausalLmLoss.Compute(logits, full(1, 3, -100L));
        loss.backward();

        Assert.Equal(0f, loss.item<float>());
        Assert.True(logits.grad!.isfinite().all().item<bool>());
    }
}
