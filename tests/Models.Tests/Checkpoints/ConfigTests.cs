using System.Text.Json.Nodes;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;

namespace RankDistill.Models.Tests.Checkpoints;

public sealed class ConfigTests
{
    // Qwen2.5-0.5B's config.json as published.
    private const string Qwen25 = """
        {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151643,
         "hidden_act": "silu", "hidden_size": 896, "initializer_range": 0.02, "intermediate_size": 4864,
         "max_position_embeddings": 32768, "max_window_layers": 24, "model_type": "qwen2", "num_attention_heads": 14,
         "num_hidden_layers": 24, "num_key_value_heads": 2, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
         "sliding_window": 32768, "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.40.1",
         "use_cache": true, "use_sliding_window": false, "vocab_size": 151936}
        """;

    // bert-base-uncased's config.json as published.
    private const string BertBase = """
        {"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false,
         "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
         "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
         "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute",
         "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522}
        """;

    [Fact]
    public void ReadConfig_Qwen25_FieldsAndDerivedShapes()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), Qwen25);
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(dir.Path);
        config.Validate();
        Assert.Equal((896, 4864, 24, 14, 2, 64), (config.HiddenSize, config.IntermediateSize, config.NumHiddenLayers, config.NumAttentionHeads, config.KeyValueHeads, config.HeadSize));
        Assert.Equal((1e6, 1e-6, 151936), (config.RopeTheta, config.RmsNormEps, config.VocabSize));
        Assert.True(config.TieWordEmbeddings);
        Assert.True(config.QkvBias);
        Assert.False(config.OutputBias);
        var names = DecoderWeightNames.LanguageModel(config).Bindings;
        Assert.Equal(896, names.Single(b => b.CheckpointName == "model.layers.3.self_attn.k_proj.weight").RowOffset);
        Assert.Equal(128, names.Single(b => b.CheckpointName == "model.layers.3.self_attn.v_proj.bias").Rows);
        Assert.DoesNotContain(names, b => b.CheckpointName == "lm_head.weight");
    }

    [Fact]
    public void WriteConfig_ReadBack_KeepsFieldsWeDoNotUse()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), Qwen25);
        HuggingFaceFolder.WriteConfig(dir.Path, HuggingFaceFolder.ReadConfig<DecoderConfig>(dir.Path));
        var written = JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!;
        Assert.Equal("bfloat16", written["torch_dtype"]!.GetValue<string>());
        Assert.Equal(151643, written["eos_token_id"]!.GetValue<int>());
        Assert.Equal(1000000.0, written["rope_theta"]!.GetValue<double>());
    }

    [Fact]
    public void ReadConfig_BertBaseUncased_FieldsAndValidation()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), BertBase);
        var config = HuggingFaceFolder.ReadConfig<BertConfig>(dir.Path);
        config.Validate();
        Assert.Equal((768, 12, 12, 3072, 512, 2, 30522), (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.MaxPositionEmbeddings, config.TypeVocabSize, config.VocabSize));
        Assert.Equal(1e-12, config.LayerNormEps);
    }

    [Theory]
    [InlineData("""{"hidden_size": 1000000000, "num_attention_heads": 8}""", "hidden_size 1000000000")]
    [InlineData("""{"num_hidden_layers": 1000000}""", "num_hidden_layers 1000000")]
    [InlineData("""{"vocab_size": -5}""", "vocab_size -5")]
    [InlineData("""{"intermediate_size": 2000000000}""", "intermediate_size 2000000000")]
    [InlineData("""{"max_position_embeddings": 2000000000}""", "max_position_embeddings 2000000000")]
    [InlineData("""{"type_vocab_size": 100000000}""", "type_vocab_size 100000000")]
    [InlineData("""{"hidden_size": 768, "num_attention_heads": 7}""", "num_attention_heads 7")]
    public void Validate_AbsurdBertSizes_FailsNamingTheKey(string json, string expected)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), json);
        var config = HuggingFaceFolder.ReadConfig<BertConfig>(dir.Path);
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"hidden_size": 1000000000, "num_attention_heads": 8, "num_key_value_heads": 8}""", "hidden_size 1000000000")]
    [InlineData("""{"num_hidden_layers": 1000000}""", "num_hidden_layers 1000000")]
    [InlineData("""{"vocab_size": -5}""", "vocab_size -5")]
    [InlineData("""{"intermediate_size": 2000000000}""", "intermediate_size 2000000000")]
    [InlineData("""{"head_dim": 1000000}""", "head_dim 1000000")]
    [InlineData("""{"num_attention_heads": 100000000, "num_key_value_heads": 1}""", "num_attention_heads 100000000")]
    [InlineData("""{"hidden_size": 900, "num_attention_heads": 7, "num_key_value_heads": 7}""", "num_attention_heads 7")]
    public void Validate_AbsurdDecoderSizes_FailsNamingTheKey(string json, string expected)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), json);
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(dir.Path);
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model_type": "qwen2", "rope_scaling": {"type": "yarn", "factor": 4.0}}""", "rope_scaling")]
    [InlineData("""{"model_type": "mistral"}""", "model_type 'mistral'")]
    [InlineData("""{"model_type": "llama", "num_attention_heads": 14, "num_key_value_heads": 3}""", "num_key_value_heads 3")]
    [InlineData("""{"model_type": "llama", "mlp_bias": true}""", "mlp_bias")]
    public void Validate_UnsupportedDecoderConfig_FailsNamingTheField(string json, string expected)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("config.json"), json);
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(dir.Path);
        var error = Record.Exception(config.Validate);
        Assert.NotNull(error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
