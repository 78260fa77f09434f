using RankDistill.Models.Batching;
using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>Continued pre-training: next-token loss on the output tokens of each sequence (labels -100 on the prompt).</summary>
/// <param name="logits">The model's language-model forward pass: a batch to (B, T, V) logits.</param>
/// <param name="padTokenId">The tokenizer's pad id.</param>
/// <param name="paddingSide">Right by default: labels are padded with -100 whichever side is chosen.</param>
public sealed class CausalLmTask<TModel>(
    Func<TModel, TokenBatch, Tensor> logits,
    long padTokenId = 0,
    PaddingSide paddingSide = PaddingSide.Right) : ITrainingTask<TModel, EncodedSequence>
    where TModel : nn.Module
{
    public ItemShape ShapeOf(EncodedSequence example) => new(1, example.Length);

    public Tensor Loss(TModel model, IReadOnlyList<EncodedSequence> batch, Device device)
    {
        if (batch.Any(s => s.Labels is null))
            throw new ArgumentException("Continued pre-training needs labels on every sequence (-100 on the prompt).", nameof(batch));
        using var tokens = new Collator(padTokenId, paddingSide, device).Collate(batch);
        return CausalLmLoss.Compute(logits(model, tokens), tokens.Labels!);
    }
}
