using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Bert;

/// <summary>
/// Bidirectional multi-head attention with a key padding mask. q, k and v come from one fused projection;
/// HF's query/key/value are its row blocks (see <see cref="BertWeightNames"/>), the same layout as
/// PyTorch's <c>in_proj_weight</c>.
/// </summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor?, Tensor>
{
    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;
    [ComponentName(Name = "proj")]
    private readonly Linear _proj;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _dropout = config.AttentionProbsDropoutProb;
        _qkv = nn.Linear(config.HiddenSize, 3 * config.HiddenSize);
        _proj = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="x">(B, T, C).</param>
    /// <param name="keyMask">(B, 1, 1, T) bool, true on tokens; null when no row has padding.</param>
    public override Tensor forward(Tensor x, Tensor? keyMask)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        var qkv = _qkv.forward(x).view(b, t, 3, _heads, _headSize).permute(2, 0, 3, 1, 4); // (3, B, nh, T, hs)
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);                                          // (B, nh, T, hs)
        var y = nn.functional.scaled_dot_product_attention(q, k, v, keyMask, training ? _dropout : 0.0); // (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(b, t, _heads * _headSize);                         // (B, T, C)
        return _proj.forward(y).MoveToOuterDisposeScope();
    }
}
