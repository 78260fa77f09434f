using RankDistill.Models.Bert;
using RankDistill.Models.Tests.Onnx;
using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

/// <summary>
/// Distillation from a real pre-trained BERT (all-MiniLM-L6-v2, converted from its ONNX graph), as a search team would
/// start from one: a short run on a teacher's scores lowers the distillation loss on lists it never saw.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class PretrainedStudentTests : IDisposable
{
    private static readonly string[][] _topics =
    [
        ["cheap", "flights", "paris", "airline", "tickets"],
        ["pizza", "delivery", "cheese", "oven", "pepperoni"],
        ["python", "tutorial", "loops", "functions", "classes"],
        ["running", "shoes", "marathon", "trail", "training"],
        ["garden", "tomatoes", "soil", "compost", "seeds"],
        ["laptop", "battery", "screen", "keyboard", "repair"],
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-minilm-distill-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Distillation_FromMiniLm_LowersHeldOutLoss()
    {
        var encoder = TokenizerLoader.FromFolder(MiniLm.Folder);
        var train = Lists(encoder, count: 40, seed: 1);
        var test = Lists(encoder, count: 16, seed: 2);
        var task = new DistillationTask<BertRanker>(padTokenId: encoder.PadId);
        manual_seed(3);
        var (model, report) = BertCheckpoint.LoadRanker(MiniLm.Folder);
        using var _m = model;
        Assert.Equal(["classifier.weight", "classifier.bias"], report.Missing); // the body is MiniLM's; only the head is new

        var before = HeldOutLoss(model, task, test);
        // A pre-trained BERT's fine-tuning rate is 2e-5–5e-5 over thousands of updates; a few dozen need a larger one.
        var options = new TrainerOptions { TotalSteps = 20, LearningRate = 3e-4, WarmupSteps = 2, BatchSize = 2, CheckpointEvery = 0 };
        var trained = await RankingScenario.TrainAsync(model, task, train, options, _folder);
        var after = HeldOutLoss(model, task, test);

        Assert.True(after < 0.5 * before, $"held-out distillation loss {before:F4} → {after:F4} (last training loss {trained.FinalLoss:F4})");
    }

    private static double HeldOutLoss(BertRanker model, DistillationTask<BertRanker> task, List<QueryList> lists)
    {
        model.eval();
        using var noGrad = no_grad();
        using var loss = task.Loss(model, lists, CPU);
        var value = loss.item<float>();
        model.train();
        return value;
    }

    /// <summary>
    /// Queries of two topic words, each with six documents: the teacher's score is how many query words a document
    /// holds (0, 1 or 2) plus a little for sharing the topic, the kind of signal a lexical-plus-semantic teacher gives,
    /// centred near 0 as a trained ranker's scores are.
    /// </summary>
    private static List<QueryList> Lists(PairEncoder encoder, int count, int seed)
    {
        var random = new Random(seed);
        var lists = new List<QueryList>();
        for (int q = 0; q < count; q++)
        {
            var topic = _topics[random.Next(_topics.Length)];
            var query = topic.OrderBy(_ => random.Next()).Take(2).ToArray();
            var documents = new List<EncodedSequence>();
            var targets = new List<float>();
            for (int d = 0; d < 6; d++)
            {
                var source = random.Next(3) == 0 ? _topics[random.Next(_topics.Length)] : topic;
                var words = Enumerable.Range(0, 6).Select(_ => source[random.Next(source.Length)]).ToArray();
                var matches = query.Count(w => words.Contains(w));
                documents.Add(encoder.Encode(string.Join(' ', query), "about " + string.Join(' ', words), 32));
                targets.Add(matches + (source == topic ? 0.5f : 0f) - 1f);
            }
            lists.Add(new QueryList($"q{q}", documents, [.. targets]));
        }
        return lists;
    }
}
