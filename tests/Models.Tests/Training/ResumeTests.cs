using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

/// <summary>
/// A run broken off and resumed from its checkpoint must end with the same bits as one unbroken run:
/// the model has dropout (RNG), the data is shuffled and bucketed across several epochs (data
/// position), and updates accumulate two micro-batches.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ResumeTests : IDisposable
{
    private const int InitSeed = 7;
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-resume-").FullName;
    private readonly List<QueryList> _data = SyntheticRanking.Lists(queries: 21, documentsPerQuery: 5, seed: 4);

    private static TrainerOptions Options(long checkpointEvery) => new()
    {
        TotalSteps = 12,
        LearningRate = 5e-3,
        WarmupSteps = 3,
        AccumulationSteps = 2,
        BatchSize = 4,
        BucketWindow = 8,
        CheckpointEvery = checkpointEvery,
        KeepLastCheckpoints = 3,
        Seed = 99,
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Resume_AfterInterruptionAtHalfway_BitIdenticalToUnbrokenRun()
    {
        var unbroken = await TrainAsync("unbroken", Options(6), stopAfter: null, NullLogger.Instance);

        var interrupted = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TrainAsync("broken", Options(6), stopAfter: 6, NullLogger.Instance));
        manual_seed(12345);   // disturb the generator: the resumed run must not depend on what came before
        var resumed = await TrainAsync("broken", Options(6), stopAfter: null, NullLogger.Instance, initSeed: 424242);

        Assert.Equal(6, resumed.Result.ResumedFromStep);
        AssertSameWeights(unbroken.Weights, resumed.Weights);
        var log = LossLog.Read(resumed.Result.LossLogPath);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), log.Select(e => e.Step));
        Assert.Equal(LossLog.Read(unbroken.Result.LossLogPath).Select(e => e.Loss), log.Select(e => e.Loss));
    }

    [Fact]
    public async Task Resume_DifferentSeed_WeightsDiffer()
    {
        // The control for the test above: the seed (data order and dropout) really changes the bits.
        var a = await TrainAsync("seed-a", Options(0), stopAfter: null, NullLogger.Instance);
        var b = await TrainAsync("seed-b", Options(0) with { Seed = 100 }, stopAfter: null, NullLogger.Instance);

        Assert.Contains(a.Weights.Keys, name => !a.Weights[name].SequenceEqual(b.Weights[name]));
    }

    [Fact]
    public async Task Resume_NewestCheckpointCorrupt_WarnsNamingItAndUsesThePreviousOne()
    {
        var unbroken = await TrainAsync("unbroken", Options(4), stopAfter: null, NullLogger.Instance);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TrainAsync("broken", Options(4), stopAfter: 8, NullLogger.Instance));

        var store = new FolderCheckpointStore(Path.Combine(_folder, "broken", "checkpoints"));
        Assert.Equal([4L, 8L], await store.ListStepsAsync(CancellationToken.None));
        var weights = Path.Combine(store.PathOf(8), "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(weights, bytes);

        var logger = new ListLogger();
        var resumed = await TrainAsync("broken", Options(4), stopAfter: null, logger);

        Assert.Equal(4, resumed.Result.ResumedFromStep);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("step-000000008/model.safetensors", StringComparison.Ordinal));
        AssertSameWeights(unbroken.Weights, resumed.Weights);
    }

    [Fact]
    public async Task Train_TwoAtOnceInOneProcess_EachEndsWithTheBitsItGetsAlone()
    {
        // Dropout draws from torch's process-wide generators; each update reseeds and draws under TorchGenerators.Sync,
        // so two trainings interleaved update by update (a worker running two gpu items) still give their own bits.
        var options = Options(0) with { TotalSteps = 40 };
        var aloneA = await TrainAsync("alone-a", options, stopAfter: null, NullLogger.Instance);
        var aloneB = await TrainAsync("alone-b", options with { Seed = 100 }, stopAfter: null, NullLogger.Instance, initSeed: 8);

        var both = await Task.WhenAll(
            Task.Run(() => TrainAsync("both-a", options, stopAfter: null, NullLogger.Instance)),
            Task.Run(() => TrainAsync("both-b", options with { Seed = 100 }, stopAfter: null, NullLogger.Instance, initSeed: 8)));

        AssertSameWeights(aloneA.Weights, both[0].Weights);
        AssertSameWeights(aloneB.Weights, both[1].Weights);
    }

    private async Task<(TrainingResult Result, Dictionary<string, byte[]> Weights)> TrainAsync(
        string name, TrainerOptions options, long? stopAfter, ILogger logger, int initSeed = InitSeed)
    {
        using var model = TorchGenerators.Seeded(initSeed, () => new TinyRanker(SyntheticRanking.VocabSize, width: 16, dropout: 0.3));
        var store = new FolderCheckpointStore(Path.Combine(_folder, name, "checkpoints"));
        var trainer = new Trainer<TinyRanker, QueryList>(model, new RankingTask<TinyRanker>(), options, store, Path.Combine(_folder, name, "scratch"), logger);

        // Stopping as a lost lease would: cancel once the checkpoint of the step is saved.
        using var cancel = new CancellationTokenSource();
        var progress = new InlineProgress<TrainingProgress>(p =>
        {
            if (p.Step == stopAfter && p.LastCheckpointStep == stopAfter)
                cancel.Cancel();
        });
        var result = await trainer.RunAsync(_data, progress, cancel.Token);
        return (result, RankingScenario.WeightBytes(model));
    }

    private static void AssertSameWeights(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var name in expected.Keys)
            Assert.True(expected[name].AsSpan().SequenceEqual(actual[name]), $"Tensor {name} differs");
    }
}
