using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>
/// The initialisation Hugging Face gives a model built from a config (<c>_init_weights</c>, as nanoGPT too): linear
/// and embedding weights N(0, 0.02²), biases zero, layer norms one and zero. TorchSharp's defaults (N(0, 1) embeddings,
/// Kaiming linears) make a tied LM head's first logits ~√d large: a fresh width-256 decoder then starts at a loss near
/// 20 instead of ln(vocab) and spends its first hundreds of updates undoing that. Loading a checkpoint overwrites it all.
/// </summary>
public static class HuggingFaceInit
{
    /// <summary>HF's default <c>initializer_range</c>.</summary>
    public const double Std = 0.02;

    public static void Apply(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight!, 0, Std);
                    if (linear.bias is { } bias)
                        nn.init.zeros_(bias);
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight!, 0, Std);
                    break;
                case LayerNorm norm:
                    if (norm.weight is { } weight)
                        nn.init.ones_(weight);
                    if (norm.bias is { } normBias)
                        nn.init.zeros_(normBias);
                    break;
            }
        }
    }
}
