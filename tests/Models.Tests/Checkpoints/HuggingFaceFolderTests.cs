using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Llm;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Checkpoints;

public sealed class HuggingFaceFolderTests
{
    [Theory]
    [InlineData("qwen2", true)]
    [InlineData("llama", false)]
    public void SaveThenLoad_LanguageModel_IdenticalLogits(string modelType, bool tied)
    {
        using var dir = new TempFolder();
        manual_seed(21);
        using var model = new DecoderLanguageModel(TinyDecoder.Config(modelType, tied: tied) with { AttentionBias = modelType == "llama" });
        DecoderCheckpoint.Save(model, dir.Path);
        using var loaded = DecoderCheckpoint.LoadLanguageModel(dir.Path);

        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(2, 6);
        TinyDecoder.AssertIdentical(model.forward(ids, ones_like(ids)), loaded.forward(ids, ones_like(ids)));
        Assert.Equal(tied, !HeaderNames(dir.File("model.safetensors")).Contains("lm_head.weight"));
    }

    [Fact]
    public void Save_Decoder_WritesHuggingFaceNamesAndConfig()
    {
        using var dir = new TempFolder();
        using var model = new DecoderLanguageModel(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path);
        var names = HeaderNames(dir.File("model.safetensors"));
        Assert.Contains("model.embed_tokens.weight", names);
        Assert.Contains("model.layers.1.self_attn.k_proj.bias", names);
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", names);
        var config = File.ReadAllText(dir.File("config.json"));
        Assert.Contains("\"Qwen2ForCausalLM\"", config, StringComparison.Ordinal);
        Assert.Contains("\"num_key_value_heads\": 2", config, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveThenLoad_Sharded_IndexListsEveryTensorAndLogitsMatch()
    {
        using var dir = new TempFolder();
        manual_seed(22);
        using var model = new DecoderRanker(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout, new HuggingFaceSaveOptions { MaxShardBytes = 20_000 });
        var shards = Directory.GetFiles(dir.Path, "model-*-of-*.safetensors");
        Assert.True(shards.Length > 2, $"expected several shards, got {shards.Length}");
        Assert.True(File.Exists(dir.File(HuggingFaceFolder.IndexFile)));
        Assert.False(File.Exists(dir.File(HuggingFaceFolder.SingleWeightsFile)));

        var (loaded, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            Assert.Empty(report.Missing);
            Assert.Empty(report.Unexpected);
            using var scope = NewDisposeScope();
            var ids = TinyDecoder.RandomIds(3, 5);
            TinyDecoder.AssertIdentical(model.forward(ids, ones_like(ids)), loaded.forward(ids, ones_like(ids)));
        }
    }

    [Fact]
    public void LoadRanker_FromLanguageModelFolder_KeepsBodyAndReportsNewScoreHead()
    {
        using var dir = new TempFolder();
        manual_seed(23);
        using var lm = new DecoderLanguageModel(TinyDecoder.Config(tied: false));
        DecoderCheckpoint.Save(lm, dir.Path);
        var (ranker, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (ranker)
        {
            Assert.Equal(["score.weight"], report.Missing); // no score.bias: HF's score has none, and it starts at zero
            Assert.Empty(report.Unexpected); // the LM head is known and skipped, not unexpected
            using var scope = NewDisposeScope();
            var ids = TinyDecoder.RandomIds(2, 5);
            TinyDecoder.AssertIdentical(lm.Body.forward(ids, ones_like(ids)), ranker.Body.forward(ids, ones_like(ids)));
        }
    }

    [Fact]
    public void LoadLanguageModel_MissingTensor_FailsNamingIt()
    {
        using var dir = new TempFolder();
        using var model = new DecoderLanguageModel(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path);
        RewriteWithout(dir.File("model.safetensors"), "model.layers.1.mlp.up_proj.weight", extra: null);

        var error = Assert.Throws<CheckpointMismatchException>(() => DecoderCheckpoint.LoadLanguageModel(dir.Path));
        Assert.Contains("model.layers.1.mlp.up_proj.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRanker_UnexpectedTensor_ReportedByName()
    {
        using var dir = new TempFolder();
        using var model = new DecoderRanker(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);
        RewriteWithout(dir.File("model.safetensors"), remove: null, extra: "model.layers.0.self_attn.rotary_emb.inv_freq");

        var (loaded, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        loaded.Dispose();
        Assert.Equal(["model.layers.0.self_attn.rotary_emb.inv_freq"], report.Unexpected);
    }

    [Fact]
    public void LoadRanker_HuggingFaceRankerWithoutBiasFile_LoadsWeightAndZeroBias()
    {
        using var dir = new TempFolder();
        using var model = new DecoderRanker(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);
        File.Delete(dir.File(DecoderScoreBias.FileName)); // as Qwen2ForSequenceClassification.save_pretrained leaves it

        var (loaded, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            Assert.Empty(report.Missing);
            TinyDecoder.AssertIdentical(model.state_dict()["score.weight"], loaded.state_dict()["score.weight"]);
            Assert.Equal(0f, loaded.state_dict()["score.bias"].item<float>());
        }
    }

    [Fact]
    public void LoadRanker_EarlierFolderWithScoreBiasInWeights_ReadsIt()
    {
        using var dir = new TempFolder();
        using var model = new DecoderRanker(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);
        File.Delete(dir.File(DecoderScoreBias.FileName));
        RewriteWithout(dir.File("model.safetensors"), remove: null, extra: "score.bias", extraShape: [1]);

        var (loaded, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            Assert.Empty(report.Unexpected);
            Assert.Equal(1f, loaded.state_dict()["score.bias"].item<float>());
        }
    }

    [Fact]
    public void LoadLanguageModel_WrongShape_FailsNamingTensorAndShapes()
    {
        using var dir = new TempFolder();
        using var model = new DecoderLanguageModel(TinyDecoder.Config());
        DecoderCheckpoint.Save(model, dir.Path);
        HuggingFaceFolder.WriteConfig(dir.Path, TinyDecoder.Config() with { IntermediateSize = 48 });

        var error = Assert.Throws<CheckpointMismatchException>(() => DecoderCheckpoint.LoadLanguageModel(dir.Path));
        Assert.Contains("model.layers.0.mlp.gate_proj.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("[64, 32]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HuggingFaceQkvBlocks_LandInFusedRowsInOrder()
    {
        using var dir = new TempFolder();
        var config = TinyDecoder.Config();
        using var model = new DecoderLanguageModel(config);
        DecoderCheckpoint.Save(model, dir.Path);
        // Give q, k and v recognisable constants as a HF writer would store them separately.
        var path = dir.File("model.safetensors");
        using (var scope = NewDisposeScope())
        {
            List<(string, Tensor)> tensors;
            using (var reader = SafeTensorsReader.Open(path))
                tensors = reader.Entries.Select(e => (e.Name, e.Name switch
                {
                    "model.layers.0.self_attn.q_proj.weight" => full(e.Shape, 1f),
                    "model.layers.0.self_attn.k_proj.weight" => full(e.Shape, 2f),
                    "model.layers.0.self_attn.v_proj.weight" => full(e.Shape, 3f),
                    _ => reader.Read(e),
                })).ToList();
            SafeTensorsWriter.Write(path, tensors, ScalarType.Float32);
        }
        using var loaded = DecoderCheckpoint.LoadLanguageModel(dir.Path);
        var qkv = loaded.state_dict()["model.layers.0.attn.qkv.weight"];
        var (q, kv) = (config.NumAttentionHeads * config.HeadSize, config.KeyValueHeads * config.HeadSize);
        Assert.Equal(q + 2 * kv, qkv.shape[0]);
        Assert.Equal(1f, qkv[q - 1, 0].item<float>());
        Assert.Equal(2f, qkv[q, 0].item<float>());
        Assert.Equal(2f, qkv[q + kv - 1, 0].item<float>());
        Assert.Equal(3f, qkv[q + kv, 0].item<float>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SaveThenLoad_BertRanker_IdenticalScores(bool usePooler)
    {
        using var dir = new TempFolder();
        manual_seed(24);
        using var model = new BertRanker(TinyBert.Config(), usePooler);
        model.eval();
        BertCheckpoint.Save(model, dir.Path, new HuggingFaceSaveOptions { MaxShardBytes = usePooler ? null : 30_000 });
        var (loaded, report) = BertCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            loaded.eval();
            Assert.Equal(usePooler, loaded.UsesPooler);
            Assert.Empty(report.Missing);
            using var scope = NewDisposeScope();
            var ids = TinyDecoder.RandomIds(3, 8, vocab: 101);
            TinyDecoder.AssertIdentical(model.forward(ids, zeros_like(ids), ones_like(ids)), loaded.forward(ids, zeros_like(ids), ones_like(ids)));
        }
    }

    [Fact]
    public void LoadRanker_PretrainedBertWithLegacyNamesAndHeads_LoadsBodyAndReportsTheRest()
    {
        // A bare BertModel checkpoint as older exports have it: no "bert." prefix, LayerNorm gamma/beta,
        // pretraining heads (cls.*), and no classifier.
        using var dir = new TempFolder();
        manual_seed(25);
        using var source = new BertRanker(TinyBert.Config());
        BertCheckpoint.Save(source, dir.Path);
        var path = dir.File("model.safetensors");
        using (var scope = NewDisposeScope())
        {
            List<(string, Tensor)> tensors;
            using (var reader = SafeTensorsReader.Open(path))
                tensors = reader.Entries.Where(e => !e.Name.StartsWith("classifier", StringComparison.Ordinal))
                    .Select(e => (e.Name.Replace("bert.", "", StringComparison.Ordinal).Replace("LayerNorm.weight", "LayerNorm.gamma", StringComparison.Ordinal).Replace("LayerNorm.bias", "LayerNorm.beta", StringComparison.Ordinal), reader.Read(e)))
                    .Append(("cls.predictions.bias", zeros(101))).ToList();
            SafeTensorsWriter.Write(path, tensors, ScalarType.BFloat16);
        }

        var (loaded, report) = BertCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            Assert.Equal(["classifier.weight", "classifier.bias"], report.Missing);
            Assert.Empty(report.Unexpected); // the masked-LM head is known and skipped, not unexpected
            var expected = source.state_dict()["encoder.layers.1.ffn_norm.weight"].to(bfloat16).to(float32);
            TinyDecoder.AssertIdentical(expected, loaded.state_dict()["encoder.layers.1.ffn_norm.weight"]);
        }
    }

    private static HashSet<string> HeaderNames(string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        return reader.Entries.Select(e => e.Name).ToHashSet();
    }

    private static void RewriteWithout(string path, string? remove, string? extra, long[]? extraShape = null)
    {
        using var scope = NewDisposeScope();
        List<(string, Tensor)> tensors;
        using (var reader = SafeTensorsReader.Open(path))
            tensors = reader.Entries.Where(e => e.Name != remove).Select(e => (e.Name, reader.Read(e))).ToList();
        if (extra is not null)
            tensors.Add((extra, ones(extraShape ?? [4])));
        SafeTensorsWriter.Write(path, tensors, ScalarType.Float32);
    }
}
