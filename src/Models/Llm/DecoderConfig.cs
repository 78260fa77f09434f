using System.Text.Json;
using System.Text.Json.Serialization;
using RankDistill.Models.Checkpoints;

namespace RankDistill.Models.Llm;

/// <summary>
/// A LLaMA or Qwen2 decoder as its Hugging Face <c>config.json</c> describes it. Field names are the
/// file's; fields we do not use (token ids, architectures, dtype) ride along in <see cref="Extra"/> so a
/// folder read and written back keeps them.
/// </summary>
public sealed record DecoderConfig
{
    /// <summary>"llama" or "qwen2": Qwen2 always has a bias on q/k/v, LLaMA only with <see cref="AttentionBias"/>.</summary>
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "qwen2";

    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 32000;

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 896;

    /// <summary>SwiGLU width; Qwen2.5-0.5B uses 4864 (about 5.4 × hidden).</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 4864;

    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 24;

    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 14;

    /// <summary>Grouped-query attention: each key/value head serves NumAttentionHeads / NumKeyValueHeads query heads. Absent in old LLaMA configs, meaning one per query head.</summary>
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; init; }

    /// <summary>Absent in most configs, where it is hidden_size / num_attention_heads.</summary>
    [JsonPropertyName("head_dim")] public int? HeadDim { get; init; }

    /// <summary>Longest sequence the rotary table is meant for; we compute angles on the fly, so it only bounds inputs.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 32768;

    /// <summary>1e-6 is Qwen2's value; LLaMA checkpoints say 1e-5 in their own config.</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;

    /// <summary>Rotary base: 10000 in LLaMA 1/2, 1e6 in Qwen2.5; always read from the checkpoint.</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;

    /// <summary>Only unscaled rotary embeddings are implemented; a checkpoint that asks for scaling is refused on load.</summary>
    [JsonPropertyName("rope_scaling")] public JsonElement? RopeScaling { get; init; }

    /// <summary>Small models share the input embedding with the LM head (Qwen2.5-0.5B does); large ones do not.</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }

    /// <summary>LLaMA's switch for q/k/v/o biases; Qwen2 ignores it (bias on q/k/v always, none on o).</summary>
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    [JsonIgnore] public int HeadSize => HeadDim ?? HiddenSize / NumAttentionHeads;

    [JsonIgnore] public bool QkvBias => ModelType == "qwen2" || AttentionBias;

    /// <summary>LLaMA puts a bias on the output projection too when <see cref="AttentionBias"/> is set; Qwen2 never does.</summary>
    [JsonIgnore] public bool OutputBias => ModelType == "llama" && AttentionBias;

    /// <summary>Throws naming the field when the config cannot describe a model we build.</summary>
    public void Validate()
    {
        if (ModelType is not ("llama" or "qwen2"))
            throw new NotSupportedException($"config.json: model_type '{ModelType}' is not a decoder we build (llama, qwen2)");
        if (HiddenAct != "silu")
            throw new NotSupportedException($"config.json: hidden_act '{HiddenAct}' is not supported (silu)");
        if (RopeScaling is { ValueKind: not JsonValueKind.Null })
            throw new NotSupportedException("config.json: rope_scaling is set; only unscaled rotary embeddings are implemented");
        if (Extra?.TryGetValue("mlp_bias", out var mlpBias) == true && mlpBias.ValueKind == JsonValueKind.True)
            throw new NotSupportedException("config.json: mlp_bias is set; the MLP is built without biases");
        ConfigLimits.Check("vocab_size", VocabSize);
        ConfigLimits.Check("hidden_size", HiddenSize);
        ConfigLimits.Check("intermediate_size", IntermediateSize);
        ConfigLimits.Check("num_hidden_layers", NumHiddenLayers);
        ConfigLimits.Check("num_attention_heads", NumAttentionHeads);
        ConfigLimits.Check("num_key_value_heads", KeyValueHeads);
        ConfigLimits.Check("max_position_embeddings", MaxPositionEmbeddings);
        if (HeadDim is { } headDim)
            ConfigLimits.Check("head_dim", headDim);
        else if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"config.json: hidden_size {HiddenSize} must be a multiple of num_attention_heads {NumAttentionHeads} when head_dim is absent");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw new ArgumentException($"config.json: num_attention_heads {NumAttentionHeads} must be a multiple of num_key_value_heads {KeyValueHeads}");
        if (HeadSize % 2 != 0)
            throw new ArgumentException($"config.json: head size {HeadSize} must be even for rotary embeddings");
    }
}
