using System.Text.Json;
using System.Text.Json.Serialization;
using RankDistill.Models.Checkpoints;

namespace RankDistill.Models.Bert;

/// <summary>
/// A BERT encoder as its Hugging Face <c>config.json</c> describes it (defaults are bert-base-uncased's).
/// Fields we do not use ride along in <see cref="Extra"/> so a folder read and written back keeps them.
/// </summary>
public sealed record BertConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "bert";

    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 30522;

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;

    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;

    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;

    /// <summary>Feed-forward width, 4 × hidden in every published BERT.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;

    /// <summary>"gelu" is the exact erf form; "gelu_new"/"gelu_pytorch_tanh" the tanh approximation.</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";

    /// <summary>Dropout after embeddings, attention output and feed-forward, in training only.</summary>
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;

    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;

    /// <summary>Learned absolute positions: inputs are capped at this many tokens.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;

    /// <summary>Segments: 0 for [CLS] query [SEP], 1 for document [SEP].</summary>
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;

    /// <summary>BERT's 1e-12 is far below PyTorch's 1e-5 default; it matters for matching HF outputs.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;

    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Throws naming the field when the config cannot describe a model we build.</summary>
    public void Validate()
    {
        if (ModelType != "bert")
            throw new NotSupportedException($"config.json: model_type '{ModelType}' is not bert");
        if (HiddenAct is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh"))
            throw new NotSupportedException($"config.json: hidden_act '{HiddenAct}' is not supported (gelu, gelu_new)");
        if (Extra?.TryGetValue("position_embedding_type", out var positions) == true && positions.ValueKind == JsonValueKind.String && positions.GetString() != "absolute")
            throw new NotSupportedException($"config.json: position_embedding_type '{positions.GetString()}' is not supported (absolute)");
        ConfigLimits.Check("vocab_size", VocabSize);
        ConfigLimits.Check("hidden_size", HiddenSize);
        ConfigLimits.Check("intermediate_size", IntermediateSize);
        ConfigLimits.Check("num_hidden_layers", NumHiddenLayers);
        ConfigLimits.Check("num_attention_heads", NumAttentionHeads);
        ConfigLimits.Check("max_position_embeddings", MaxPositionEmbeddings);
        ConfigLimits.Check("type_vocab_size", TypeVocabSize);
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentException($"config.json: hidden_size {HiddenSize} must be a multiple of num_attention_heads {NumAttentionHeads}");
    }
}
