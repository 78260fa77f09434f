using System.Text.Json;
using System.Text.Json.Nodes;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Llm;

namespace RankDistill.Models.Tests.Checkpoints;

/// <summary>
/// What a saved folder must hold for Hugging Face to load it unchanged, written out from HF's modeling code (modeling_qwen2.py,
/// modeling_llama.py, modeling_bert.py: the ForSequenceClassification module trees and their parameter shapes), not from
/// our weight maps: every tensor name and shape, and every config.json key.
/// </summary>
public sealed class HuggingFaceLayoutTests
{
    private static readonly string[] _decoderKeys =
    [
        "architectures", "attention_bias", "eos_token_id", "hidden_act", "hidden_size", "id2label", "intermediate_size", "label2id",
        "max_position_embeddings", "model_type", "num_attention_heads", "num_hidden_layers", "num_key_value_heads", "num_labels",
        "pad_token_id", "rms_norm_eps", "rope_theta", "tie_word_embeddings", "vocab_size",
    ];

    [Theory]
    [InlineData("qwen2", "Qwen2ForSequenceClassification")]
    [InlineData("llama", "LlamaForSequenceClassification")]
    public void SaveRanker_Decoder_HuggingFaceTensorsAndConfig(string modelType, string architecture)
    {
        using var dir = new TempFolder();
        var c = TinyDecoder.Config(modelType, kvHeads: 2);
        using var model = new DecoderRanker(c);
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);

        Assert.Equal(DecoderRankerTensors(c, bias: modelType == "qwen2"), Tensors(dir.File(HuggingFaceFolder.SingleWeightsFile)));
        var config = Config(dir.Path);
        Assert.Equal(_decoderKeys, config.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal(architecture, config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(1, config["num_labels"]!.GetValue<int>());
        Assert.Equal(TinyDecoder.Layout.PadId, config["pad_token_id"]!.GetValue<int>());
        Assert.Equal(TinyDecoder.Layout.EndId, config["eos_token_id"]!.GetValue<int>());
    }

    [Fact]
    public void SaveRanker_Bert_HuggingFaceTensorsAndConfig()
    {
        using var dir = new TempFolder();
        var c = TinyBert.Config();
        using var model = new BertRanker(c);
        BertCheckpoint.Save(model, dir.Path);

        Assert.Equal(BertForSequenceClassificationTensors(c), Tensors(dir.File(HuggingFaceFolder.SingleWeightsFile)));
        var config = Config(dir.Path);
        string[] keys =
        [
            "architectures", "attention_probs_dropout_prob", "hidden_act", "hidden_dropout_prob", "hidden_size", "id2label", "intermediate_size",
            "label2id", "layer_norm_eps", "max_position_embeddings", "model_type", "num_attention_heads", "num_hidden_layers", "num_labels",
            "pad_token_id", "type_vocab_size", "vocab_size",
        ];
        Assert.Equal(keys, config.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal("BertForSequenceClassification", config["architectures"]![0]!.GetValue<string>());
        Assert.Equal(1, config["num_labels"]!.GetValue<int>());
    }

    [Fact]
    public void WriteConfig_NullFields_Omitted()
    {
        using var dir = new TempFolder();
        // head_dim, num_key_value_heads and rope_scaling unset, and a null carried over from a read config.
        var config = TinyDecoder.Config() with { NumKeyValueHeads = null, Extra = new() { ["sliding_window"] = JsonSerializer.SerializeToElement<string?>(null) } };
        HuggingFaceFolder.WriteConfig(dir.Path, config);

        var written = Config(dir.Path);
        Assert.DoesNotContain(written, kv => kv.Value is null || kv.Value.GetValueKind() == JsonValueKind.Null);
        Assert.False(written.ContainsKey("head_dim"));
        Assert.Equal(config.HeadSize, HuggingFaceFolder.ReadConfig<DecoderConfig>(dir.Path).HeadSize);
    }

    /// <summary>Qwen2/LlamaForSequenceClassification: model.* as the causal LM's body, then score = Linear(C, 1, bias=False).</summary>
    private static List<string> DecoderRankerTensors(DecoderConfig c, bool bias)
    {
        var (C, q, kv, f) = (c.HiddenSize, c.NumAttentionHeads * c.HeadSize, c.KeyValueHeads * c.HeadSize, c.IntermediateSize);
        var names = new List<string> { $"model.embed_tokens.weight [{c.VocabSize}, {C}]", $"model.norm.weight [{C}]", $"score.weight [1, {C}]" };
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            names.AddRange(
            [
                $"{p}input_layernorm.weight [{C}]", $"{p}post_attention_layernorm.weight [{C}]",
                $"{p}self_attn.q_proj.weight [{q}, {C}]", $"{p}self_attn.k_proj.weight [{kv}, {C}]", $"{p}self_attn.v_proj.weight [{kv}, {C}]",
                $"{p}self_attn.o_proj.weight [{C}, {q}]",
                $"{p}mlp.gate_proj.weight [{f}, {C}]", $"{p}mlp.up_proj.weight [{f}, {C}]", $"{p}mlp.down_proj.weight [{C}, {f}]",
            ]);
            if (bias) // Qwen2Attention: q/k/v with bias, o_proj without
                names.AddRange([$"{p}self_attn.q_proj.bias [{q}]", $"{p}self_attn.k_proj.bias [{kv}]", $"{p}self_attn.v_proj.bias [{kv}]"]);
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>BertForSequenceClassification: bert.{embeddings, encoder.layer.i, pooler} and classifier = Linear(C, 1).</summary>
    private static List<string> BertForSequenceClassificationTensors(BertConfig c)
    {
        var (C, I) = (c.HiddenSize, c.IntermediateSize);
        var names = new List<string>
        {
            $"bert.embeddings.word_embeddings.weight [{c.VocabSize}, {C}]", $"bert.embeddings.position_embeddings.weight [{c.MaxPositionEmbeddings}, {C}]",
            $"bert.embeddings.token_type_embeddings.weight [{c.TypeVocabSize}, {C}]", $"bert.embeddings.LayerNorm.weight [{C}]", $"bert.embeddings.LayerNorm.bias [{C}]",
            $"bert.pooler.dense.weight [{C}, {C}]", $"bert.pooler.dense.bias [{C}]", $"classifier.weight [1, {C}]", "classifier.bias [1]",
        };
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"bert.encoder.layer.{i}.";
            foreach (var linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
                names.AddRange([$"{p}{linear}.weight [{C}, {C}]", $"{p}{linear}.bias [{C}]"]);
            names.AddRange(
            [
                $"{p}attention.output.LayerNorm.weight [{C}]", $"{p}attention.output.LayerNorm.bias [{C}]",
                $"{p}intermediate.dense.weight [{I}, {C}]", $"{p}intermediate.dense.bias [{I}]",
                $"{p}output.dense.weight [{C}, {I}]", $"{p}output.dense.bias [{C}]",
                $"{p}output.LayerNorm.weight [{C}]", $"{p}output.LayerNorm.bias [{C}]",
            ]);
        }
        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static List<string> Tensors(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        return [.. reader.Entries.Select(e => $"{e.Name} [{string.Join(", ", e.Shape)}]").Order(StringComparer.Ordinal)];
    }

    private static JsonObject Config(string folder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, HuggingFaceFolder.ConfigFile)))!.AsObject();
}
