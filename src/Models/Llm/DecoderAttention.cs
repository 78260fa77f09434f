using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>
/// Causal grouped-query self-attention. q, k and v come from one fused projection (one matmul instead of
/// three); the checkpoint's separate q_proj/k_proj/v_proj are row blocks of it (see <see cref="DecoderWeightNames"/>).
/// </summary>
internal sealed class DecoderAttention : nn.Module<Tensor, Tensor?, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;
    [ComponentName(Name = "proj")]
    private readonly Linear _proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headSize;

    public DecoderAttention(DecoderConfig config) : base(nameof(DecoderAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headSize = config.HeadSize;
        _qkv = nn.Linear(config.HiddenSize, (_heads + 2 * _kvHeads) * _headSize, hasBias: config.QkvBias);
        _proj = nn.Linear(_heads * _headSize, config.HiddenSize, hasBias: config.OutputBias);
        RegisterComponents();
    }

    /// <param name="x">(B, T, C) hidden states.</param>
    /// <param name="mask">(B, 1, T, T) bool, true where a query may attend a key (causal and not padding); null for plain causal attention.</param>
    /// <param name="cos">(B, 1, T, hs) rotary cosines.</param>
    /// <param name="sin">(B, 1, T, hs) rotary sines.</param>
    public override Tensor forward(Tensor x, Tensor? mask, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        var fused = _qkv.forward(x).view(b, t, _heads + 2 * _kvHeads, _headSize).transpose(1, 2); // (B, nh + 2·nkv, T, hs)
        // q and k heads are rotated in one pass: the same angles apply to every head.
        var qk = RotaryEmbedding.Apply(fused.narrow(1, 0, _heads + _kvHeads), cos, sin);        // (B, nh + nkv, T, hs)
        var q = qk.narrow(1, 0, _heads);                                                          // (B, nh, T, hs)
        var k = qk.narrow(1, _heads, _kvHeads);                                                   // (B, nkv, T, hs)
        var v = fused.narrow(1, _heads + _kvHeads, _kvHeads);                                     // (B, nkv, T, hs)
        if (_kvHeads != _heads)
        {
            // Each kv head serves a group of consecutive query heads (HF repeat_kv).
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1); // (B, nh, T, hs)
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1); // (B, nh, T, hs)
        }
        var y = nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, mask is null); // (B, nh, T, hs), causal when unmasked
        y = y.transpose(1, 2).reshape(b, t, _heads * _headSize);           // (B, T, nh·hs)
        return _proj.forward(y).MoveToOuterDisposeScope();
    }
}
