using System.Text.Json.Nodes;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Llm;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Checkpoints;

/// <summary>Checkpoint folders written to make a loader read outside the folder or build a model the weights cannot fill.</summary>
public sealed class HostileFolderTests
{
    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("{outside}")] // the absolute path of the same file
    [InlineData("sub/inside.safetensors")]
    [InlineData("sub\\inside.safetensors")]
    [InlineData("..")]
    [InlineData("")]
    public void WeightFiles_ShardNameLeavingTheFolder_Refused(string shard)
    {
        using var dir = new TempFolder();
        var folder = dir.Sub("model");
        var outside = dir.File("outside.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensorsWriter.Write(outside, [("a", ones(2))], ScalarType.Float32);
        shard = shard.Replace("{outside}", outside, StringComparison.Ordinal);
        WriteIndex(folder, new JsonObject { ["a"] = shard });

        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.WeightFiles(folder));
        Assert.Contains(HuggingFaceFolder.IndexFile, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{shard}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightFiles_ShardNameNotAString_Refused()
    {
        using var dir = new TempFolder();
        WriteIndex(dir.Path, new JsonObject { ["a"] = 3 });
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.WeightFiles(dir.Path));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1, 2]", "no weight_map")]
    [InlineData("""{"weight_map": ["model.safetensors"]}""", "no weight_map")]
    [InlineData("""{"weight_map": {"a": "model.safetensors", "a": "../x.safetensors"}}""", "not valid JSON")]
    public void WeightFiles_MalformedIndex_RefusedNamingIt(string index, string expected)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File(HuggingFaceFolder.IndexFile), index);
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.WeightFiles(dir.Path));
        Assert.Contains(dir.File(HuggingFaceFolder.IndexFile), error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"hidden_size": 10000000000}""")]
    [InlineData("""{"hidden_size": 32, "hidden_size": 1000000000}""")]
    public void ReadConfig_SizeBeyondInt32OrRepeated_RefusedNamingFileAndKey(string config)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File(HuggingFaceFolder.ConfigFile), config);
        var error = Assert.Throws<InvalidDataException>(() => HuggingFaceFolder.ReadConfig<BertConfig>(dir.Path));
        Assert.Contains(dir.File(HuggingFaceFolder.ConfigFile), error.Message, StringComparison.Ordinal);
        Assert.Contains("hidden_size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeightFiles_HuggingFaceShardNames_Accepted()
    {
        using var dir = new TempFolder();
        WriteIndex(dir.Path, new JsonObject { ["a"] = "model-00001-of-00002.safetensors", ["b"] = "model-00002-of-00002.safetensors" });
        Assert.Equal([dir.File("model-00001-of-00002.safetensors"), dir.File("model-00002-of-00002.safetensors")], HuggingFaceFolder.WeightFiles(dir.Path));
    }

    [Fact]
    public void LoadRanker_BertConfigWiderThanItsWeights_RefusedWithBothParameterCounts()
    {
        using var dir = new TempFolder();
        using var saved = new BertRanker(TinyBert.Config());
        BertCheckpoint.Save(saved, dir.Path);
        var wider = TinyBert.Config() with { HiddenSize = 64 };
        HuggingFaceFolder.WriteConfig(dir.Path, wider);
        using var implied = new BertRanker(wider);

        var error = Assert.Throws<CheckpointMismatchException>(() => BertCheckpoint.LoadRanker(dir.Path));
        Assert.Contains($"implies {ParameterCount(implied)} ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"hold {ParameterCount(saved)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadLanguageModel_DecoderConfigWiderThanItsWeights_RefusedWithBothParameterCounts()
    {
        using var dir = new TempFolder();
        using var saved = new DecoderLanguageModel(TinyDecoder.Config());
        DecoderCheckpoint.Save(saved, dir.Path);
        var wider = TinyDecoder.Config() with { IntermediateSize = 96 };
        HuggingFaceFolder.WriteConfig(dir.Path, wider);
        using var implied = new DecoderLanguageModel(wider);

        var error = Assert.Throws<CheckpointMismatchException>(() => DecoderCheckpoint.LoadLanguageModel(dir.Path));
        Assert.Contains($"implies {ParameterCount(implied)} ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"hold {ParameterCount(saved)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRanker_ConfigAtTheSizeLimitsOverTinyWeights_RefusedBeforeAllocating()
    {
        using var dir = new TempFolder();
        using (var saved = new BertRanker(TinyBert.Config()))
            BertCheckpoint.Save(saved, dir.Path);
        // Built, this would be terabytes: the count check must refuse it from the headers alone. (More layers than the
        // headers hold are refused sooner, as missing tensors.)
        HuggingFaceFolder.WriteConfig(dir.Path, TinyBert.Config() with
        {
            VocabSize = 1 << 21,
            HiddenSize = 1 << 16,
            IntermediateSize = 1 << 18,
            NumAttentionHeads = 1024,
            MaxPositionEmbeddings = 1 << 24,
            TypeVocabSize = 1024,
        });

        var error = Assert.Throws<CheckpointMismatchException>(() => BertCheckpoint.LoadRanker(dir.Path));
        Assert.Contains("bert.embeddings.word_embeddings.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2097152, 65536]", error.Message, StringComparison.Ordinal);
    }

    private static long ParameterCount(nn.Module model) => model.parameters().Sum(p => p.numel());

    private static void WriteIndex(string folder, JsonObject weightMap) =>
        File.WriteAllText(Path.Combine(folder, HuggingFaceFolder.IndexFile), new JsonObject { ["weight_map"] = weightMap }.ToJsonString());
}
