using RankDistill.Models.Bert;
using RankDistill.Models.Losses;
using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class LearningTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-learn-").FullName;
    private readonly List<QueryList> _train = SyntheticRanking.Lists(queries: 160, documentsPerQuery: 8, seed: 1);
    private readonly List<QueryList> _test = SyntheticRanking.Lists(queries: 60, documentsPerQuery: 8, seed: 2);

    private static TrainerOptions Options(long steps) => new()
    {
        TotalSteps = steps,
        LearningRate = 1e-2,
        WarmupSteps = 5,
        BatchSize = 8,
        CheckpointEvery = 0,
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(RankLossKind.PairwiseHinge)]
    [InlineData(RankLossKind.RankNet)]
    [InlineData(RankLossKind.ListwiseSoftmax)]
    public async Task RankFineTuning_SyntheticLists_Ndcg5FarAboveRandomRanker(RankLossKind kind)
    {
        manual_seed(11);
        using var model = new TinyRanker(SyntheticRanking.VocabSize);
        var random = new Random(3);
        var randomScores = _test.SelectMany(l => l.Documents).Select(_ => (float)random.NextDouble()).ToArray();
        double randomNdcg = RankingScenario.Evaluate(_test, randomScores).Ndcg5;

        await RankingScenario.TrainAsync(model, new RankingTask<TinyRanker>(kind), _train, Options(80), _folder);
        var report = RankingScenario.Evaluate(_test, RankingScenario.Scores(model, _test));

        Assert.True(report.Ndcg5 > 0.9, $"NDCG@5 {report.Ndcg5:F3} after training (random ranker {randomNdcg:F3})");
        Assert.True(report.Ndcg5 > randomNdcg + 0.2, $"NDCG@5 {report.Ndcg5:F3} vs random {randomNdcg:F3}");
        Assert.True(report.Pnr > 5, $"PNR {report.Pnr:F2}");
    }

    [Fact]
    public async Task Distillation_TeacherScores_StudentCorrelatesWithTeacher()
    {
        manual_seed(12);
        using var teacher = new TinyRanker(SyntheticRanking.VocabSize, width: 48);
        await RankingScenario.TrainAsync(teacher, new RankingTask<TinyRanker>(), _train, Options(80), Path.Combine(_folder, "teacher"));
        var distillSet = RankingScenario.WithTargets(_train, RankingScenario.Scores(teacher, _train));
        var teacherOnTest = RankingScenario.Scores(teacher, _test);

        using var student = new TinyRanker(SyntheticRanking.VocabSize, width: 16);
        double before = RankingScenario.Pearson(RankingScenario.Scores(student, _test), teacherOnTest);
        await RankingScenario.TrainAsync(student, new DistillationTask<TinyRanker>(), distillSet, Options(120), Path.Combine(_folder, "student"));
        double after = RankingScenario.Pearson(RankingScenario.Scores(student, _test), teacherOnTest);

        Assert.True(after > 0.95, $"Pearson correlation with the teacher {after:F3} after distillation ({before:F3} before)");
        Assert.True(after > before + 0.2, $"Pearson {before:F3} → {after:F3}");
    }

    [Fact]
    public async Task Run_SameSeedTwice_BitIdenticalWeights()
    {
        async Task<Dictionary<string, byte[]>> TrainOnce(string name)
        {
            manual_seed(5);
            using var model = new TinyRanker(SyntheticRanking.VocabSize);
            await RankingScenario.TrainAsync(model, new RankingTask<TinyRanker>(), _train, Options(10) with { AccumulationSteps = 2 }, Path.Combine(_folder, name));
            return RankingScenario.WeightBytes(model);
        }

        var first = await TrainOnce("a");
        var second = await TrainOnce("b");

        Assert.Equal(first.Keys, second.Keys);
        foreach (var name in first.Keys)
            Assert.Equal(first[name], second[name]);
    }

    [Fact]
    public async Task MaskedLmPretraining_PairsOnOneTopic_PredictsHiddenQueryWordsFromTheirTopic()
    {
        // [CLS] q1 q2 q3 [SEP] d1 … d6 [SEP], every word drawn from one of ten topics of five words (ids 10–59). A hidden
        // query word is 1 of 50 to a guess, 1 of 5 to a model that reads the topic off the rest of the pair.
        var layout = new PairLayout(true, PadId: 0, ClassificationId: 2, SeparatorId: 3, MaskId: 4);
        var random = new Random(7);
        EncodedSequence Pair()
        {
            var topic = 10 + (5 * random.Next(10));
            int[] ids = [2, .. Words(3), 3, .. Words(6), 3];
            return new EncodedSequence(ids, [.. ids.Select((_, i) => i <= 4 ? 0 : 1)]);
            IEnumerable<int> Words(int count) => Enumerable.Range(0, count).Select(_ => topic + random.Next(5));
        }
        var train = Enumerable.Range(0, 2000).Select(_ => Pair()).ToList();
        var test = Enumerable.Range(0, 200).Select(_ => Pair()).ToList();
        manual_seed(13);
        using var model = new BertMaskedLm(new BertConfig { VocabSize = 60, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 16 });

        var trained = await RankingScenario.TrainAsync(model, new MaskedLmTask(layout), train, Options(300) with { LearningRate = 3e-3, BatchSize = 32 }, _folder);

        // Hide the second query word of every test pair, and nothing else.
        model.eval();
        using var scope = NewDisposeScope();
        var ids = tensor(test.SelectMany(p => p.InputIds.Select(i => (long)i)).ToArray(), [test.Count, 12]);
        var types = tensor(test.SelectMany(p => p.TokenTypeIds!.Select(i => (long)i)).ToArray(), [test.Count, 12]);
        var hidden = zeros(test.Count, 12, ScalarType.Bool).index_fill_(1, tensor(new long[] { 2 }), true);
        var labels = ids.masked_fill(hidden.logical_not(), -100);
        double loss;
        using (no_grad())
            loss = MaskedLmLoss.Compute(model.forward(ids.masked_fill(hidden, 4), types, ones_like(ids)), labels).item<float>();
        Assert.True(loss < 0.6 * Math.Log(50), $"loss on hidden query words {loss:F3}; a guess among 50 words is {Math.Log(50):F3}, among a topic's 5 {Math.Log(5):F3} (training loss {trained.FinalLoss:F3})");
    }
}
