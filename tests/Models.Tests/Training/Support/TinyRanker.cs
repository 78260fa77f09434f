using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training.Support;

/// <summary>
/// A test-only cross-encoder: token embeddings, masked mean-pool, dropout, one hidden layer, a scalar
/// head. Padding-invariant (the mask removes padding from the mean), small enough to train in a second,
/// and with dropout so that resumed training depends on the RNG.
/// </summary>
public sealed class TinyRanker : nn.Module<TokenBatch, Tensor>, IRanker
{
    private readonly Embedding _embedding;
    private readonly Dropout _dropout;
    private readonly Linear _hidden;
    private readonly Linear _head;

    public TinyRanker(int vocabSize, int width = 32, double dropout = 0.1) : base(nameof(TinyRanker))
    {
        _embedding = nn.Embedding(vocabSize, width);
        _dropout = nn.Dropout(dropout);
        _hidden = nn.Linear(width, width);
        _head = nn.Linear(width, 1);
        RegisterComponents();
    }

    public override Tensor forward(TokenBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var mask = input.AttentionMask.unsqueeze(-1).to(ScalarType.Float32);      // (B, T, 1)
        var x = _embedding.forward(input.InputIds);                               // (B, T, D)
        var pooled = (x * mask).sum(1) / mask.sum(1).clamp_min(1);                // (B, D)
        var h = nn.functional.gelu(_hidden.forward(_dropout.forward(pooled)));    // (B, D)
        return _head.forward(h).squeeze(-1);                                      // (B)
    }

    public Tensor Score(TokenBatch batch) => forward(batch);
}
