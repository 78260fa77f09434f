using static TorchSharp.torch;

namespace RankDistill.Models.Losses;

/// <summary>
/// Continued pre-training loss: next-token negative log-likelihood over the output tokens only.
/// Labels follow the Hugging Face convention: aligned with the input ids (not yet shifted), -100
/// on the prompt and on padding, so position t's logits are scored against label t + 1.
/// </summary>
public static class CausalLmLoss
{
    /// <summary>Label value that takes no loss (PyTorch's cross-entropy ignore_index).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// Mean NLL over the counted tokens of the batch: a scalar. method.md writes the sum over a
    /// sequence; the mean over tokens keeps the learning rate independent of output length. A batch
    /// with no counted token gives 0 (with a gradient of 0), not NaN.
    /// </summary>
    /// <param name="logits">(B, T, V) next-token logits.</param>
    /// <param name="labels">(B, T) int64 targets aligned with the inputs, -100 where ignored.</param>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        RequireAligned(logits, labels);
        long vocab = logits.shape[2];
        var predictions = logits[.., ..^1, ..].reshape(-1, vocab);   // (B·(T-1), V): positions 0..T-2 predict
        var targets = labels[.., 1..].reshape(-1);                     // (B·(T-1)): tokens 1..T-1
        return MeanOverCounted(predictions, targets);
    }

    /// <summary>Logits (B, T, V) and labels (B, T) of the same batch and length, or an error that shows both shapes.</summary>
    internal static void RequireAligned(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 3 || labels.dim() != 2 || logits.shape[0] != labels.shape[0] || logits.shape[1] != labels.shape[1])
            throw new ArgumentException($"Expected logits (B, T, V) and labels (B, T); got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].");
    }

    /// <summary>Cross-entropy of (N, V) predictions against (N) targets, averaged over the targets not ignored; 0 when none is counted.</summary>
    internal static Tensor MeanOverCounted(Tensor predictions, Tensor targets)
    {
        var summed = nn.functional.cross_entropy(predictions, targets, ignore_index: IgnoreIndex, reduction: nn.Reduction.Sum);
        return summed / targets.ne(IgnoreIndex).sum().clamp_min(1);
    }
}
