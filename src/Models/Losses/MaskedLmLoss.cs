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
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 3 || labels.dim() != 2 || logits.shape[0] != labels.shape[0] || logits.shape[1] != labels.shape[1])
            throw new ArgumentException($"Expected logits (B, T, V) and labels (B, T); got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].");

        var targets = labels.reshape(-1);                                                         // (B·T)
        var summed = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), targets,     // (B·T, V)
            ignore_index: CausalLmLoss.IgnoreIndex, reduction: nn.Reduction.Sum);
        return summed / targets.ne(CausalLmLoss.IgnoreIndex).sum().clamp_min(1);
    }
}
