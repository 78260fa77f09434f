using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>word + position + token type, then LayerNorm and dropout.</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "word")]
    private readonly Embedding _word;
    [ComponentName(Name = "position")]
    private readonly Embedding _position;
    [ComponentName(Name = "token_type")]
    private readonly Embedding _tokenType;
    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;
    [ComponentName(Name = "dropout")]
    private readonly Dropout _dropout;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        _word = nn.Embedding(config.VocabSize, config.HiddenSize);
        _position = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        _tokenType = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <summary>(V, C) word-embedding table; BERT's masked-LM head scores against it (tied weights).</summary>
    public Parameter WordWeight => _word.weight!;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids.</param>
    /// <returns>(B, T, C).</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        // Slot indices 0..T-1 whatever the padding, as HF's BertEmbeddings (its position_ids buffer): a saved model then
        // scores as in HF on either side. Under left padding the first token's position is the pad count, as there.
        var positions = arange(inputIds.shape[1], int64, inputIds.device).unsqueeze(0); // (1, T)
        var x = _word.forward(inputIds) + _position.forward(positions) + _tokenType.forward(tokenTypeIds); // (B, T, C)
        return _dropout.forward(_norm.forward(x)).MoveToOuterDisposeScope();
    }
}
