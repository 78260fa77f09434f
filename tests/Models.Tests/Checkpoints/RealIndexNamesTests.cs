using System.Text.Json;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Testing;

namespace RankDistill.Models.Tests.Checkpoints;

/// <summary>
/// Our Hugging Face name tables against the tensor names of a real published checkpoint (its index file and config,
/// committed unchanged under RealIndexes/ with their source): the layout snapshots only compare our table with itself.
/// </summary>
public sealed class RealIndexNamesTests
{
    [Fact]
    public void Qwen2LanguageModel_Qwen25_14BConfig_WritesExactlyTheNamesOfTheRealIndex()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "tests", "Models.Tests", "Checkpoints", "RealIndexes", "qwen2.5-14b");
        // The real config.json through our own reader: 48 layers, q/k/v biases (qwen2), untied lm_head.
        var config = HuggingFaceFolder.ReadConfig<DecoderConfig>(folder);

        var ours = DecoderWeightNames.LanguageModel(config).Bindings.Where(b => !b.LoadOnly).Select(b => b.CheckpointName).Order(StringComparer.Ordinal);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, HuggingFaceFolder.IndexFile)));
        var real = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(48, config.NumHiddenLayers);
        Assert.Equal(real, ours);
    }
}
