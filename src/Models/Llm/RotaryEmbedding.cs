using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>
/// Rotary position embeddings in Hugging Face's <c>rotate_half</c> convention: the head is split into
/// two halves (not interleaved pairs), angle_i = position · theta^(−2i/d), and
/// x' = x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x₂, x₁).
/// </summary>
internal sealed class RotaryEmbedding : nn.Module<Tensor, (Tensor Cos, Tensor Sin)>
{
    // Moved with the module by .to(device); not part of the checkpoint (HF does not save it either).
    [ComponentName(Name = "inv_freq")]
    private readonly Tensor _invFreq;

    public RotaryEmbedding(int headSize, double theta) : base(nameof(RotaryEmbedding))
    {
        // theta^(-2i/d) for i < d/2, in float64 first so large thetas (1e6) round as HF's float32 table does.
        _invFreq = (1.0 / pow(theta, arange(0, headSize, 2, float64) / headSize)).to(float32);
        register_buffer("inv_freq", _invFreq, persistent: false);
    }

    /// <summary>cos and sin for each position: (B, 1, T, hs), to broadcast over heads.</summary>
    public override (Tensor Cos, Tensor Sin) forward(Tensor positions)
    {
        using var scope = NewDisposeScope();
        var freqs = positions.to(float32).unsqueeze(-1) * _invFreq; // (B, T, hs/2)
        var emb = cat([freqs, freqs], dim: -1).unsqueeze(1);      // (B, 1, T, hs)
        return (emb.cos().MoveToOuterDisposeScope(), emb.sin().MoveToOuterDisposeScope());
    }

    /// <summary>Applies the rotation to q or k of shape (B, nh, T, hs).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        return (x * cos + RotateHalf(x) * sin).MoveToOuterDisposeScope();
    }

    internal static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return cat([-x2, x1], dim: -1);
    }
}
