using RankDistill.Models.Batching;
using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>Rank fine-tuning (SFT): a rank loss over each query's graded documents.</summary>
/// <param name="kind">Pairwise hinge by default, as the paper; RankNet or listwise softmax on request.</param>
/// <param name="margin">The hinge margin.</param>
/// <param name="padTokenId">The tokenizer's pad id.</param>
/// <param name="paddingSide">Right for BERT, left for a decoder scored at its last token.</param>
public sealed class RankingTask<TModel>(
    RankLossKind kind = RankLossKind.PairwiseHinge,
    double margin = RankLoss.DefaultMargin,
    long padTokenId = 0,
    PaddingSide paddingSide = PaddingSide.Right) : ITrainingTask<TModel, QueryList>
    where TModel : nn.Module, IRanker
{
    public ItemShape ShapeOf(QueryList example) => ListScoring.ShapeOf(example);

    public Tensor Loss(TModel model, IReadOnlyList<QueryList> batch, Device device)
    {
        var (scores, grades, mask) = ListScoring.Score(model, batch, new Collator(padTokenId, paddingSide, device));
        return RankLoss.Compute(kind, scores, grades, mask, margin);
    }
}
