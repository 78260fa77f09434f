using RankDistill.Models.Batching;
using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>Distillation: the student learns each query's teacher scores with α · point-wise MSE + β · margin MSE.</summary>
/// <param name="alpha">Weight of the point-wise term (default 1, as method.md).</param>
/// <param name="beta">Weight of the margin term (default 1).</param>
/// <param name="padTokenId">The tokenizer's pad id.</param>
/// <param name="paddingSide">Right for BERT.</param>
public sealed class DistillationTask<TModel>(
    double alpha = 1.0,
    double beta = 1.0,
    long padTokenId = 0,
    PaddingSide paddingSide = PaddingSide.Right) : ITrainingTask<TModel, QueryList>
    where TModel : nn.Module, IRanker
{
    public ItemShape ShapeOf(QueryList example) => ListScoring.ShapeOf(example);

    public Tensor Loss(TModel model, IReadOnlyList<QueryList> batch, Device device)
    {
        var (student, teacher, mask) = ListScoring.Score(model, batch, new Collator(padTokenId, paddingSide, device));
        return DistillationLoss.Compute(student, teacher, mask, alpha, beta);
    }
}
