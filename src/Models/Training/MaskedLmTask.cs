using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Losses;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// Masked-LM pre-training of a BERT on query–document pairs (<c>[CLS] q [SEP] d [SEP]</c>): tokens of both segments
/// are hidden (<see cref="TokenMasking"/>) and predicted from the rest, so the model learns the words and how a query's
/// words relate to the document's, before it learns to score.
/// </summary>
/// <param name="layout">The tokenizer's cross-encoder layout: [CLS], [SEP], [MASK] and padding ids.</param>
/// <param name="maskRate">Chance that a token is hidden: BERT's 15%.</param>
public sealed class MaskedLmTask(PairLayout layout, double maskRate = TokenMasking.BertRate) : ITrainingTask<BertMaskedLm, EncodedSequence>
{
    private readonly long[] _keep = [layout.ClassificationId, layout.SeparatorId];

    public ItemShape ShapeOf(EncodedSequence example) => new(1, example.Length);

    public Tensor Loss(BertMaskedLm model, IReadOnlyList<EncodedSequence> batch, Device device)
    {
        if (!layout.IsCrossEncoder || layout.MaskId < 0)
            throw new InvalidOperationException("Masked-LM pre-training needs a BERT tokenizer with a [MASK] token.");
        using var tokens = new Collator(layout.PadId, PaddingSide.Right, device).Collate(batch);
        var (inputs, labels) = TokenMasking.Apply(tokens.InputIds, tokens.AttentionMask, _keep, layout.MaskId, model.Config.VocabSize, maskRate);
        var types = tokens.TokenTypeIds ?? zeros_like(inputs);
        return MaskedLmLoss.Compute(model.forward(inputs, types, tokens.AttentionMask), labels);
    }
}
