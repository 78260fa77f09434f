using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Llm;
using RankDistill.Testing;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Checkpoints;

/// <summary>
/// The checkpoint layout of each model at a small config, as Hugging Face names and shapes (what a real
/// folder must contain) and as our own state dict, compared with a committed snapshot. A change to
/// either is a change to the on-disk contract: review it, then refresh with UPDATE_SNAPSHOTS=1.
/// </summary>
public sealed class LayoutSnapshotTests
{
    [Fact]
    public void Qwen2LanguageModel_Layout_MatchesSnapshot()
    {
        using var model = new DecoderLanguageModel(TinyDecoder.Config("qwen2", kvHeads: 2, tied: false));
        AssertSnapshot("qwen2-causal-lm.txt", model, DecoderWeightNames.LanguageModel(model.Config));
    }

    [Fact]
    public void LlamaRanker_Layout_MatchesSnapshot()
    {
        using var model = new DecoderRanker(TinyDecoder.Config("llama", kvHeads: 4, tied: true));
        AssertSnapshot("llama-ranker.txt", model, DecoderWeightNames.Ranker(model.Config));
    }

    [Fact]
    public void BertRanker_Layout_MatchesSnapshot()
    {
        using var model = new BertRanker(TinyBert.Config() with { NumHiddenLayers = 1 });
        AssertSnapshot("bert-ranker.txt", model, BertWeightNames.Ranker(model.Config, usePooler: true));
    }

    [Fact]
    public void BertMaskedLm_Layout_MatchesSnapshot()
    {
        using var model = new BertMaskedLm(TinyBert.Config() with { NumHiddenLayers = 1 });
        AssertSnapshot("bert-masked-lm.txt", model, BertWeightNames.MaskedLm(model.Config));
    }

    private static void AssertSnapshot(string name, nn.Module model, WeightMap map)
    {
        var state = model.state_dict();
        // The table's shapes, known from the config alone, are what the built model holds.
        foreach (var b in map.Bindings)
            Assert.True(Shape(state, b).SequenceEqual(b.Shape), $"{b.CheckpointName}: table [{string.Join(", ", b.Shape)}], model [{string.Join(", ", Shape(state, b))}]");
        var hf = map.Bindings.Where(b => !b.LoadOnly).Select(b => $"{b.CheckpointName} [{string.Join(", ", Shape(state, b))}]").Order(StringComparer.Ordinal);
        var ours = state.Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").Order(StringComparer.Ordinal);
        var actual = string.Join("\n", ["# Hugging Face names", .. hf, "", "# our state dict", .. ours]) + "\n";
        var path = Path.Combine(RepositoryRoot.Path, "tests", "Models.Tests", "Checkpoints", "Snapshots", name);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            // Written, not checked: the run that writes a snapshot fails, so a review and a second run must follow.
            File.WriteAllText(path, actual);
            Assert.Fail($"wrote {path}: review it, then run again without UPDATE_SNAPSHOTS");
        }
        Assert.True(File.Exists(path), $"no snapshot at {path}; run once with UPDATE_SNAPSHOTS=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    private static long[] Shape(Dictionary<string, Tensor> state, WeightBinding b)
    {
        var shape = state[b.ParameterName].shape.ToArray();
        if (b.Rows is { } rows)
            shape[0] = rows;
        return shape;
    }
}
