using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

public sealed class CheckpointWeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void LoadInto_SameArchitecture_CopiesEveryTensor()
    {
        manual_seed(1);
        using var source = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        using var target = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var path = Path.Combine(_folder, "model.safetensors");

        CheckpointWeights.Save(path, source);
        CheckpointWeights.LoadInto(target, path);

        var expected = RankingScenario.WeightBytes(source);
        var actual = RankingScenario.WeightBytes(target);
        foreach (var name in expected.Keys)
            Assert.Equal(expected[name], actual[name]);
    }

    [Fact]
    public void LoadInto_OtherShape_ThrowsNamingTheTensor()
    {
        using var source = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        using var target = new TinyRanker(SyntheticRanking.VocabSize, width: 16);
        var path = Path.Combine(_folder, "model.safetensors");
        CheckpointWeights.Save(path, source);

        var ex = Assert.Throws<InvalidDataException>(() => CheckpointWeights.LoadInto(target, path));
        Assert.Contains("_embedding.weight", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdamWStateDict_SaveThenLoadIntoFreshOptimizer_MomentsBitIdentical()
    {
        manual_seed(2);
        using var layer = nn.Linear(4, 3);
        using var trained = new AdamW(layer.parameters(), lr: 0.01);
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            trained.zero_grad();
            layer.forward(randn(5, 4)).square().sum().backward();
            trained.step();
        }
        var path = Path.Combine(_folder, "optimizer.bin");
        trained.save_state_dict(path);

        using var fresh = new AdamW(layer.parameters(), lr: 0.01);
        fresh.load_state_dict(path);

        var expected = trained.state_dict().State.Cast<AdamW.State>().ToList();
        var actual = fresh.state_dict().State.Cast<AdamW.State>().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(3, actual[i].step);
            Assert.Equal(expected[i].exp_avg.bytes.ToArray(), actual[i].exp_avg.bytes.ToArray());
            Assert.Equal(expected[i].exp_avg_sq.bytes.ToArray(), actual[i].exp_avg_sq.bytes.ToArray());
            Assert.True(actual[i].exp_avg_sq.abs().sum().item<float>() > 0);
        }
    }
}
