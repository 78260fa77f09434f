using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-trainer-").FullName;
    private readonly List<QueryList> _data = SyntheticRanking.Lists(queries: 24, documentsPerQuery: 4, seed: 6);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Trainer<TinyRanker, QueryList> Trainer(TinyRanker model, TrainerOptions options, EvaluationHook? evaluate = null) =>
        new(model, new RankingTask<TinyRanker>(), options, new FolderCheckpointStore(Path.Combine(_folder, "checkpoints")), Path.Combine(_folder, "scratch"), NullLogger.Instance)
        {
            Evaluate = evaluate,
        };

    [Fact]
    public async Task Run_CheckpointEveryTwoKeepTwo_OnlyTheLastTwoRemain()
    {
        manual_seed(1);
        using var model = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var reported = new List<TrainingProgress>();

        var result = await Trainer(model, new TrainerOptions { TotalSteps = 7, CheckpointEvery = 2, KeepLastCheckpoints = 2, WarmupSteps = 1 })
            .RunAsync(_data, new InlineProgress<TrainingProgress>(reported.Add), TestContext.Current.CancellationToken);

        var store = new FolderCheckpointStore(Path.Combine(_folder, "checkpoints"));
        Assert.Equal([6L, 7L], await store.ListStepsAsync(TestContext.Current.CancellationToken));
        Assert.Equal(7, result.LastCheckpointStep);
        Assert.Null(result.ResumedFromStep);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), reported.Select(p => p.Step));
        Assert.Equal([0L, 2, 2, 4, 4, 6, 7], reported.Select(p => p.LastCheckpointStep ?? -1));
        Assert.Equal(["loss.jsonl", "manifest.json", "model.safetensors", "optimizer.bin", "trainer-state.json"],
            Directory.EnumerateFiles(store.PathOf(7)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_AlreadyFinishedCheckpoint_ReturnsWithoutTraining()
    {
        manual_seed(1);
        using var model = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var options = new TrainerOptions { TotalSteps = 3, WarmupSteps = 0 };
        await Trainer(model, options).RunAsync(_data, null, TestContext.Current.CancellationToken);
        var weights = RankingScenario.WeightBytes(model);

        using var again = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var result = await Trainer(again, options).RunAsync(_data, null, TestContext.Current.CancellationToken);

        Assert.Equal(3, result.ResumedFromStep);
        Assert.Equal(weights["_head.weight"], RankingScenario.WeightBytes(again)["_head.weight"]);
        Assert.Equal(3, LossLog.Read(result.LossLogPath).Count);
    }

    [Fact]
    public async Task Run_EvaluationHook_CalledOnScheduleLoggedAndTrainingModeRestored()
    {
        manual_seed(2);
        using var model = new TinyRanker(SyntheticRanking.VocabSize, width: 8);
        var calls = new List<long>();
        var returned = new List<double>();
        var modesAfter = new List<bool>();
        EvaluationHook evaluate = step =>
        {
            calls.Add(step);
            var scores = new BatchScorer(new BatchScorerOptions()).Score(model, _data.SelectMany(l => l.Documents).ToArray());
            returned.Add(RankingScenario.Evaluate(_data, scores).Ndcg5);
            return new Dictionary<string, double> { ["ndcg@5"] = returned[^1] };
        };
        var options = new TrainerOptions { TotalSteps = 5, EvaluateEvery = 2, WarmupSteps = 0 };
        var progress = new InlineProgress<TrainingProgress>(_ => modesAfter.Add(model.training));

        var result = await Trainer(model, options, evaluate).RunAsync(_data, progress, TestContext.Current.CancellationToken);

        Assert.Equal([2L, 4, 5], calls);
        Assert.All(modesAfter, Assert.True);
        var evals = LossLog.Read(result.LossLogPath).Where(e => e.Eval is not null).ToList();
        Assert.Equal([2L, 4, 5], evals.Select(e => e.Step));
        // The log holds what the hook returned at each of those steps, not a recomputation.
        Assert.Equal(returned, evals.Select(e => e.Eval!["ndcg@5"]));
    }

    [Fact]
    public async Task Run_CausalLmTaskOnPromptAndOutput_LearnsTheOutputToken()
    {
        // Each sequence is [a, a + 1]: the prompt a is masked out, the output a + 1 is to be predicted from it.
        const int vocab = 12;
        var sequences = Enumerable.Range(0, 60).Select(i => i % vocab)
            .Select(a => new EncodedSequence([a, (a + 1) % vocab], Labels: [-100, (a + 1) % vocab])).ToArray();
        manual_seed(3);
        using var model = new TinyLm(vocab);
        var task = new CausalLmTask<TinyLm>((m, batch) => m.forward(batch));
        var options = new TrainerOptions { TotalSteps = 60, LearningRate = 3e-2, WarmupSteps = 2, BatchSize = 12, CheckpointEvery = 0 };

        var result = await RankingScenario.TrainAsync(model, task, sequences, options, _folder);

        var losses = LossLog.Read(result.LossLogPath).Select(e => e.Loss!.Value).ToList();
        Assert.True(losses[0] > 2, $"first loss {losses[0]:F3} (ln 12 = 2.48)");
        Assert.True(result.FinalLoss < 0.2, $"final loss {result.FinalLoss:F3}");
    }
}
