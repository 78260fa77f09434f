using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>Pre-norm block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed class DecoderLayer : nn.Module<Tensor, Tensor?, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "attn_norm")]
    private readonly RmsNorm _attnNorm;
    [ComponentName(Name = "attn")]
    private readonly DecoderAttention _attn;
    [ComponentName(Name = "mlp_norm")]
    private readonly RmsNorm _mlpNorm;
    [ComponentName(Name = "mlp")]
    private readonly SwiGluMlp _mlp;

    public DecoderLayer(DecoderConfig config) : base(nameof(DecoderLayer))
    {
        _attnNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _attn = new DecoderAttention(config);
        _mlpNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _mlp = new SwiGluMlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor? mask, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        x = x + _attn.forward(_attnNorm.forward(x), mask, cos, sin);
        x = x + _mlp.forward(_mlpNorm.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
