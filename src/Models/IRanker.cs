using static TorchSharp.torch;

namespace RankDistill.Models;

/// <summary>A cross-encoder that gives each query–document pair of a batch one relevance score.</summary>
public interface IRanker
{
    /// <summary>Scores every row of the batch: a (B) float32 tensor on the batch's device.</summary>
    Tensor Score(TokenBatch batch);
}
