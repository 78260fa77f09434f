using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>Post-norm block as in the original BERT: x = norm(x + attn(x)); x = norm(x + ffn(x)).</summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "attn")]
    private readonly BertSelfAttention _attn;
    [ComponentName(Name = "attn_norm")]
    private readonly LayerNorm _attnNorm;
    [ComponentName(Name = "ffn_in")]
    private readonly Linear _ffnIn;
    [ComponentName(Name = "ffn_out")]
    private readonly Linear _ffnOut;
    [ComponentName(Name = "ffn_norm")]
    private readonly LayerNorm _ffnNorm;
    [ComponentName(Name = "dropout")]
    private readonly Dropout _dropout;
    private readonly bool _tanhGelu;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        _attn = new BertSelfAttention(config);
        _attnNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _ffnIn = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _ffnOut = nn.Linear(config.IntermediateSize, config.HiddenSize);
        _ffnNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = nn.Dropout(config.HiddenDropoutProb);
        _tanhGelu = config.HiddenAct != "gelu";
        RegisterComponents();
    }

    /// <param name="x">(B, T, C).</param>
    /// <param name="keyMask">(B, 1, 1, T) bool, true on tokens; null when no row has padding.</param>
    public override Tensor forward(Tensor x, Tensor? keyMask)
    {
        using var scope = NewDisposeScope();
        x = _attnNorm.forward(x + _dropout.forward(_attn.forward(x, keyMask)));
        var h = _ffnIn.forward(x);                                                          // (B, T, F)
        h = _tanhGelu ? nn.functional.gelu(h, GELU.Approximate.tanh) : nn.functional.gelu(h);
        x = _ffnNorm.forward(x + _dropout.forward(_ffnOut.forward(h)));
        return x.MoveToOuterDisposeScope();
    }
}
