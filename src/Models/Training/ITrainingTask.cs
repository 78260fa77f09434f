using RankDistill.Models.Batching;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// What one pipeline stage trains: how big an example is (for length bucketing) and the loss of a
/// micro-batch. The trainer owns everything else (order, schedule, accumulation, checkpoints).
/// </summary>
/// <typeparam name="TModel">The module trained; the task calls its forward pass.</typeparam>
/// <typeparam name="TExample">One training example: a sequence (CPT) or a query's list of documents (SFT, distillation).</typeparam>
public interface ITrainingTask<in TModel, TExample>
    where TModel : nn.Module
{
    ItemShape ShapeOf(TExample example);

    /// <summary>
    /// The mean loss of <paramref name="batch"/>: a scalar with a graph back to the model's parameters.
    /// Called in training mode inside a dispose scope; inputs go to <paramref name="device"/>.
    /// </summary>
    Tensor Loss(TModel model, IReadOnlyList<TExample> batch, Device device);
}
