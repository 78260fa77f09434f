using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>down(silu(gate(x)) · up(x)); gate and up share one fused projection (one matmul instead of two).</summary>
internal sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_up")]
    private readonly Linear _gateUp;
    [ComponentName(Name = "down")]
    private readonly Linear _down;
    private readonly long _width;

    public SwiGluMlp(DecoderConfig config) : base(nameof(SwiGluMlp))
    {
        _width = config.IntermediateSize;
        _gateUp = nn.Linear(config.HiddenSize, 2 * _width, hasBias: false);
        _down = nn.Linear(_width, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = _gateUp.forward(x);                                   // (B, T, 2·F)
        var gated = nn.functional.silu(h.narrow(-1, 0, _width)) * h.narrow(-1, _width, _width); // (B, T, F)
        return _down.forward(gated).MoveToOuterDisposeScope();
    }
}
