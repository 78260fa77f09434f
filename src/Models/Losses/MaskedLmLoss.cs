using static TorchSharp.torch;

namespace RankDistill.Models.Losses;

/// <summary>
/// Masked-LM loss: negative log-likelihood of the original token at each masked position. Labels are aligned with the
/// inputs (no shift, unlike <see cref="CausalLmLoss"/>): the token id where a position was masked, -100 elsewhere.
/// </summary>
public static class MaskedLmLoss
{
    /// <summary>Mean NLL over the masked positions of the batch; 0 (with a gradient of 0), not NaN, when none is masked.</summary>
    /// <param name="logits">(B, T, V) logits at every position.</param>
    /// <param name="labels">(B, T) int64: original ids where masked, -100 elsewhere.</param>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        CausalLmLoss.RequireAligned(logits, labels);
        return CausalLmLoss.MeanOverCounted(logits.reshape(-1, logits.shape[2]), labels.reshape(-1));   // (B·T, V) against (B·T)
    }
}
