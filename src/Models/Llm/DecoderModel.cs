using RankDistill.Models.Checkpoints;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Models.Llm;

/// <summary>
/// The decoder body shared by the causal-LM and the ranker: token embeddings, the layers, a final
/// RMSNorm. Positions and the attention mask come from the padding mask, so padding on either side
/// leaves the real tokens' states unchanged.
/// </summary>
public sealed class DecoderModel : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "embed")]
    private readonly Embedding _embed;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _norm;
    [ComponentName(Name = "rotary")]
    private readonly RotaryEmbedding _rotary;

    public DecoderModel(DecoderConfig config) : base(nameof(DecoderModel))
    {
        config.Validate();
        Config = config;
        _embed = nn.Embedding(config.VocabSize, config.HiddenSize);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new DecoderLayer(config)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps);
        _rotary = new RotaryEmbedding(config.HeadSize, config.RopeTheta);
        RegisterComponents();
        HuggingFaceInit.Apply(this);
    }

    public DecoderConfig Config { get; }

    /// <summary>The input embedding table, which a tied LM head reuses.</summary>
    public Parameter EmbeddingWeight => _embed.weight!;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T) int64, 1 on tokens and 0 on padding.</param>
    /// <returns>(B, T, C) final hidden states (after the last norm).</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var positions = (attentionMask.cumsum(1) - 1).clamp_min(0);       // (B, T): 0 at each row's first token
        var (cos, sin) = _rotary.forward(positions);                       // (B, 1, T, hs)
        // Without padding, plain causal attention lets SDPA use its fused kernel instead of an explicit mask.
        var mask = HasPadding(attentionMask) ? AttentionMask(attentionMask) : null; // (B, 1, T, T) or null
        var x = _embed.forward(inputIds);                                  // (B, T, C)
        foreach (var layer in _layers)
            x = layer.forward(x, mask, cos, sin);
        return _norm.forward(x).MoveToOuterDisposeScope();
    }

    internal static bool HasPadding(Tensor attentionMask) => !attentionMask.all().item<bool>();

    /// <summary>
    /// True where query i may read key j: j ≤ i and j is a token. Every query also sees itself, so a
    /// padding query never has an empty row (which would give NaN and spread through later layers).
    /// </summary>
    internal static Tensor AttentionMask(Tensor attentionMask)
    {
        var t = attentionMask.shape[1];
        var causal = ones(t, t, @bool, attentionMask.device).tril();                     // (T, T)
        var keys = attentionMask.to(@bool).unsqueeze(1).unsqueeze(1);                     // (B, 1, 1, T)
        var self = eye(t, t, @bool, attentionMask.device);                                // (T, T)
        return causal.logical_and(keys).logical_or(self);                                 // (B, 1, T, T)
    }
}
