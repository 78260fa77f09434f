using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Models.Bert;
using RankDistill.Models.Devices;
using RankDistill.Models.Llm;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.TaskHub.Worker;
using static TorchSharp.torch;

namespace RankDistill.Activities.Tests.Evaluation;

/// <summary>
/// A real local store in a temporary folder holding what the pipeline leaves before Evaluation: test lists, candidate
/// lists, loss logs, and tiny real models (a 1-layer width-32 Qwen2-style teacher, a 1-layer width-32 BERT student)
/// saved as Hugging Face folders with tokenizers built from the world's own text.
/// </summary>
internal sealed class EvaluationWorld : IDisposable
{
    private static readonly string[][] _topics =
    [
        ["cheap", "flights", "lisbon"], ["vegetable", "soup", "recipe"], ["python", "list", "sort"], ["mountain", "bike", "repair"],
        ["jazz", "piano", "lessons"], ["garden", "tomato", "planting"], ["laptop", "battery", "life"], ["tokyo", "hotel", "deals"],
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-eval-").FullName;

    public EvaluationWorld() => Store = new LocalArtifactStore(Path.Combine(_folder, "store"));

    public LocalArtifactStore Store { get; }

    public static PipelineSettings Settings(double minStudentVsTeacher = 0, bool requireNoRegression = true) => PipelineSettings.Tiny with
    {
        MaxSequenceLength = 48,
        Publish = new PublishGates { MinStudentVsTeacher = minStudentVsTeacher, RequireNoRegression = requireNoRegression },
    };

    /// <summary>Throughput on 16 documents, one timed pass: enough to exercise the measurement, fast enough for a test.</summary>
    public static readonly EvaluationOptions FastOptions = new() { ThroughputDocuments = 16, WarmupDocuments = 4, TimedPasses = 1 };

    public Reporting.Evaluation NewEvaluation() => new(Store, Options.Create(new DeviceOptions { Device = "cpu" }),
        Options.Create(FastOptions with { WorkDirectory = _folder }), new ActivityCancellation { Token = TestContext.Current.CancellationToken },
        NullLogger<Reporting.Evaluation>.Instance);

    public Publish NewPublish() => new(Store, Options.Create(new DeviceOptions { Device = "cpu" }),
        Options.Create(FastOptions with { WorkDirectory = _folder }), new ActivityCancellation { Token = TestContext.Current.CancellationToken },
        NullLogger<Publish>.Instance);

    /// <summary>
    /// Graded lists over the topics [<paramref name="first"/>, first + count): per query a fully matching document
    /// (grade 3), a half matching one (1) and two from other topics (0), in a rotating order; plus, when asked, one
    /// query whose documents are all graded 0, which NDCG and MRR must skip.
    /// </summary>
    public static List<GradedList> TestLists(int first, int count, bool withUnjudgedQuery)
    {
        var lists = new List<GradedList>();
        for (int t = first; t < first + count; t++)
        {
            var words = _topics[t % _topics.Length];
            var other = _topics[(t + 3) % _topics.Length];
            var docs = new List<GradedDocument>
            {
                new($"https://example.test/{t}/best", $"{words[0]} {words[1]} {words[2]} guide", $"All about {words[1]} and {words[2]}.", 3),
                new($"https://example.test/{t}/half", $"{words[1]} notes", $"Something on {words[1]} <b>today</b>.", 1),
                new($"https://example.test/{t}/off1", $"{other[0]} {other[1]}", $"Read about {other[2]}.", 0),
                new($"https://example.test/{t}/off2", $"{other[2]} news", $"{other[0]} and more.", 0),
            };
            var rotated = docs.Skip(t % 4).Concat(docs.Take(t % 4)).ToList();
            lists.Add(new GradedList($"{words[0]} {words[1]} {words[2]}", rotated));
        }
        if (withUnjudgedQuery)
        {
            lists.Add(new GradedList("unknown thing", [new("https://example.test/u/1", "cheap soup", "Nothing relevant.", 0),
                new("https://example.test/u/2", "piano tokyo", "Nothing either.", 0)]));
        }
        return lists;
    }

    public async Task WriteTestListsAsync(string runId, IEnumerable<GradedList> lists) =>
        await WriteJsonlAsync(RunLayout.Prepared(runId, PreparedDataPaths.EvalTest), lists);

    public async Task WriteCandidatesAsync(string runId)
    {
        var lists = TestLists(2, 6, false).Select(l => new CandidateList(l.Query, [.. l.Docs.Select(d => new CandidateDocument(d.Url, d.Title, d.Summary, 3, 1))]));
        await WriteJsonlAsync(RunLayout.Prepared(runId, PreparedDataPaths.CandidatesDev), lists);
    }

    /// <summary>A loss log as the trainer writes it: one line an update, an evaluation line, and a torn last line.</summary>
    public async Task WriteLossLogAsync(string runId, string stage, int updates)
    {
        var lines = Enumerable.Range(1, updates).Select(s => $"{{\"step\":{s},\"loss\":{3.0 / s:R},\"lr\":0.001,\"grad_norm\":1.5}}").ToList();
        lines.Insert(updates / 2, $"{{\"step\":{updates / 2},\"eval\":{{\"ndcg5\":0.5}}}}");
        lines.Add("{\"step\":99,\"lo");
        await Store.WriteAsync(RunLayout.LossLog(runId, stage), System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)), TestContext.Current.CancellationToken);
    }

    /// <summary>Every text of the world, for the tokenizers' vocabularies.</summary>
    private static IEnumerable<string> Corpus() =>
        TestLists(0, _topics.Length, true).SelectMany(l => l.Docs.SelectMany(d => new[] { l.Query, d.Title, d.Summary }));

    public async Task PublishTeacherAsync(string runId, int seed)
    {
        var folder = Path.Combine(_folder, $"teacher-{runId}");
        VocabularyBuilder.WriteByteLevelBpe(Corpus(), folder, 320);
        var encoder = TokenizerLoader.FromFolder(folder);
        using var model = TorchGenerators.Seeded(seed, () => new DecoderRanker(new DecoderConfig
        {
            VocabSize = encoder.VocabularySize,
            HiddenSize = 32,
            IntermediateSize = 64,
            NumHiddenLayers = 1,
            NumAttentionHeads = 2,
            NumKeyValueHeads = 1,
            MaxPositionEmbeddings = 128,
            TieWordEmbeddings = true,
        }));
        DecoderCheckpoint.Save(model, folder, encoder.Layout);
        await Store.PublishFolderAsync(RunLayout.Model(runId, RunLayout.Stages.RankFinetuning), folder, TestContext.Current.CancellationToken);
    }

    /// <summary>A tiny BERT student; <paramref name="negateHead"/> flips the sign of its score, reversing every ranking it makes.</summary>
    public async Task PublishStudentAsync(string runId, int seed, bool negateHead = false)
    {
        var folder = Path.Combine(_folder, $"student-{runId}");
        VocabularyBuilder.WriteWordPiece(Corpus(), folder);
        var encoder = TokenizerLoader.FromFolder(folder);
        using var model = TorchGenerators.Seeded(seed, () => new BertRanker(new BertConfig
        {
            VocabSize = encoder.VocabularySize,
            HiddenSize = 32,
            NumHiddenLayers = 1,
            NumAttentionHeads = 2,
            IntermediateSize = 64,
            MaxPositionEmbeddings = 128,
        }));
        if (negateHead)
        {
            using var noGrad = no_grad();
            foreach (var (name, parameter) in model.named_parameters())
            {
                if (name.StartsWith("classifier.", StringComparison.Ordinal))
                    parameter.neg_();
            }
        }
        BertCheckpoint.Save(model, folder);
        await Store.PublishFolderAsync(RunLayout.Model(runId, RunLayout.Stages.Distillation), folder, TestContext.Current.CancellationToken);
    }

    /// <summary>A run ready for Evaluation: test lists (with one unjudged query), candidates, cpt and distill loss logs (no sft log), teacher and student.</summary>
    public async Task PrepareRunAsync(string runId, IReadOnlyList<GradedList> lists, int studentSeed = 2, bool negateStudent = false)
    {
        await WriteTestListsAsync(runId, lists);
        await WriteCandidatesAsync(runId);
        await WriteLossLogAsync(runId, RunLayout.Stages.ContinuedPretraining, 40);
        await WriteLossLogAsync(runId, RunLayout.Stages.Distillation, 12);
        await PublishTeacherAsync(runId, 1);
        await PublishStudentAsync(runId, studentSeed, negateStudent);
    }

    public async Task<string> ReadTextAsync(string name) =>
        System.Text.Encoding.UTF8.GetString(await Store.ReadAllBytesAsync(name, cancellationToken: TestContext.Current.CancellationToken));

    private async Task WriteJsonlAsync<T>(string name, IEnumerable<T> records) =>
        await Store.WriteAsync(name, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', records.Select(PreparedJsonl.ToLine)) + "\n"), TestContext.Current.CancellationToken);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
