using RankDistill.Models.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>The decoder with its causal-LM head, for continued pre-training: logits for the next token at every position.</summary>
public sealed class DecoderLanguageModel : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "model")]
    private readonly DecoderModel _model;
    // Null when tied: the head then multiplies by the embedding table itself.
    [ComponentName(Name = "lm_head")]
    private readonly Linear? _lmHead;

    public DecoderLanguageModel(DecoderConfig config) : base(nameof(DecoderLanguageModel))
    {
        _model = new DecoderModel(config);
        _lmHead = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
        if (_lmHead is not null)
            HuggingFaceInit.Apply(_lmHead);
    }

    public DecoderConfig Config => _model.Config;

    public DecoderModel Body => _model;

    /// <returns>(B, T, V) logits.</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var h = _model.forward(inputIds, attentionMask); // (B, T, C)
        var logits = _lmHead is null ? nn.functional.linear(h, _model.EmbeddingWeight) : _lmHead.forward(h);
        return logits.MoveToOuterDisposeScope();
    }
}
