using System.Text.Json.Nodes;
using RankDistill.Models.Checkpoints;
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

    [Fact]
    public void WeightFiles_HuggingFaceShardNames_Accepted()
    {
        using var dir = new TempFolder();
        WriteIndex(dir.Path, new JsonObject { ["a"] = "model-00001-of-00002.safetensors", ["b"] = "model-00002-of-00002.safetensors" });
        Assert.Equal([dir.File("model-00001-of-00002.safetensors"), dir.File("model-00002-of-00002.safetensors")], HuggingFaceFolder.WeightFiles(dir.Path));
    }

    private static void WriteIndex(string folder, JsonObject weightMap) =>
        File.WriteAllText(Path.Combine(folder, HuggingFaceFolder.IndexFile), new JsonObject { ["weight_map"] = weightMap }.ToJsonString());
}
