using RankDistill.Models.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>
/// BERT with its masked-LM head, as Hugging Face's BertForMaskedLM: every position's state through dense + GELU +
/// LayerNorm, then scored against the word-embedding table (tied, as BERT) plus a bias. It pre-trains a student made
/// from a config; its body has <see cref="BertRanker"/>'s layout, so a ranker loads it and starts with a fresh head.
/// </summary>
public sealed class BertMaskedLm : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "embeddings")]
    private readonly BertEmbeddings _embeddings;
    [ComponentName(Name = "encoder")]
    private readonly BertEncoder _encoder;
    [ComponentName(Name = "transform")]
    private readonly Linear _transform;
    [ComponentName(Name = "transform_norm")]
    private readonly LayerNorm _transformNorm;
    [ComponentName(Name = "decoder_bias")]
    private readonly Parameter _decoderBias;
    private readonly bool _tanhGelu;

    public BertMaskedLm(BertConfig config) : base(nameof(BertMaskedLm))
    {
        config.Validate();
        Config = config;
        _embeddings = new BertEmbeddings(config);
        _encoder = new BertEncoder(config);
        _transform = nn.Linear(config.HiddenSize, config.HiddenSize);
        _transformNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _decoderBias = nn.Parameter(zeros(config.VocabSize));
        _tanhGelu = config.HiddenAct != "gelu";
        RegisterComponents();
        HuggingFaceInit.Apply(this);
    }

    public BertConfig Config { get; }

    /// <returns>(B, T, V) logits at every position.</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = _encoder.forward(_embeddings.forward(inputIds, tokenTypeIds), attentionMask); // (B, T, C)
        h = _transform.forward(h);
        h = _transformNorm.forward(_tanhGelu ? nn.functional.gelu(h, GELU.Approximate.tanh) : nn.functional.gelu(h));
        return nn.functional.linear(h, _embeddings.WordWeight, _decoderBias).MoveToOuterDisposeScope(); // (B, T, V)
    }
}
