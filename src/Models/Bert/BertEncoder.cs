using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>The stack of <see cref="BertLayer"/>s, sharing one key padding mask.</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "layers")]
    private readonly ModuleList<BertLayer> _layers;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <param name="x">(B, T, C) embeddings.</param>
    /// <param name="attentionMask">(B, T) int64, 1 on tokens.</param>
    public override Tensor forward(Tensor x, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        // Without padding there is nothing to mask, and SDPA can take its fused path.
        var keyMask = attentionMask.all().item<bool>() ? null : attentionMask.to(@bool).view(attentionMask.shape[0], 1, 1, -1); // (B, 1, 1, T)
        foreach (var layer in _layers)
            x = layer.forward(x, keyMask);
        return x.MoveToOuterDisposeScope();
    }
}
