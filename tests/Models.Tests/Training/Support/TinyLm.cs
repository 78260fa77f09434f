using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training.Support;

/// <summary>A test-only bigram language model: each position's logits depend on its own token only.</summary>
public sealed class TinyLm : nn.Module<TokenBatch, Tensor>
{
    private readonly Embedding _embedding;
    private readonly Linear _head;

    public TinyLm(int vocabSize, int width = 16) : base(nameof(TinyLm))
    {
        _embedding = nn.Embedding(vocabSize, width);
        _head = nn.Linear(width, vocabSize);
        RegisterComponents();
    }

    /// <summary>(B, T, V) next-token logits.</summary>
    public override Tensor forward(TokenBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _head.forward(_embedding.forward(input.InputIds));
    }
}
