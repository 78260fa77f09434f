using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

public sealed class CheckpointTensorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-tensors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SaveThenLoad_SeveralDtypes_BitIdentical()
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = randn(3, 5),
            ["ids"] = tensor(new long[] { long.MinValue, -1, 0, long.MaxValue }),
            ["half"] = randn(7).to(ScalarType.BFloat16),
            ["scalar"] = tensor(3.5f),
        };
        var path = Path.Combine(_folder, "model.safetensors");

        CheckpointTensors.Save(path, tensors);
        var loaded = CheckpointTensors.Load(path);

        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.dtype, loaded[name].dtype);
            Assert.Equal(t.shape, loaded[name].shape);
            Assert.Equal(t.bytes.ToArray(), loaded[name].bytes.ToArray());
        }
        Assert.Equal(0, BitConverter.ToInt64(File.ReadAllBytes(path), 0) % 8);   // data aligned to 8 bytes
    }

    [Fact]
    public void LoadInto_SameArchitecture_CopiesEveryTensor()
    {
        manual_seed(1);
        using var source = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        using var target = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var path = Path.Combine(_folder, "model.safetensors");

        CheckpointTensors.Save(path, source.state_dict());
        CheckpointTensors.LoadInto(target, path);

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
        CheckpointTensors.Save(path, source.state_dict());

        var ex = Assert.Throws<InvalidDataException>(() => CheckpointTensors.LoadInto(target, path));
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
