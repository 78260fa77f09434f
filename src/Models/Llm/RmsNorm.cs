using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>Root-mean-square norm (no mean subtraction, no bias), computed in float32 as Hugging Face does.</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    private readonly double _eps;

    public RmsNorm(long size, double eps) : base(nameof(RmsNorm))
    {
        _weight = new Parameter(ones(size));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var xf = x.to(float32);                              // no-op in float32; bf16/f16 normalize in float32 like HF
        var variance = xf.pow(2).mean([-1], keepdim: true);  // (B, T, 1)
        return (_weight * (xf * (variance + _eps).rsqrt()).to(x.dtype)).MoveToOuterDisposeScope();
    }
}
