using System.Diagnostics;
using RankDistill.Activities.Pipeline;
using RankDistill.Models;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Llm;
using RankDistill.Models.Onnx;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tokenization;
using RankDistill.Models.Training;
using RankDistill.Workflows.Demo;
using static TorchSharp.torch;

namespace RankDistill.Bench;

/// <summary>
/// Serving speed: the same query–document pairs of the demo world scored by the student in TorchSharp and in ONNX
/// Runtime (the graph publish writes), at the demo student's shape and at all-MiniLM-L6-v2's (6 layers, width 384,
/// 128 tokens), and by the demo's teacher in TorchSharp. Weights are fresh: speed depends on the shape, not the
/// values. Every scorer runs once per round, in turn, on the same threads, so each sees the same machine load;
/// medians over the rounds are reported.
/// </summary>
internal sealed class ScoringBenchmark : IBenchmark
{
    public string Name => "scoring";

    public string Description => "student scoring in ONNX Runtime vs TorchSharp (demo and MiniLM shapes), and vs the teacher";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var (rounds, pairCount) = quick ? (3, 256) : (5, 512);
        var threads = get_num_threads();
        using var work = new TempDirectory();
        var settings = PipelineSettings.Default;
        var pairs = Pairs(pairCount);
        Console.WriteLine($"{pairs.Count} query-document pairs of the demo world; torch and ONNX Runtime on {threads} threads, {Environment.ProcessorCount} cores; {rounds} rounds, medians");

        var corpus = pairs.SelectMany(p => new[] { p.Query, p.Document }).ToList();
        var studentFolder = Directory.CreateDirectory(Path.Combine(work.Path, "student")).FullName;
        VocabularyBuilder.WriteWordPiece(corpus, studentFolder, settings.Student.VocabularySize);
        var wordPiece = TokenizerLoader.FromFolder(studentFolder);
        var teacherFolder = Directory.CreateDirectory(Path.Combine(work.Path, "teacher")).FullName;
        VocabularyBuilder.WriteByteLevelBpe(corpus, teacherFolder, settings.Teacher.VocabularySize, normalizeWords: true);
        var bpe = TokenizerLoader.FromFolder(teacherFolder);

        // The demo student at the demo's length; MiniLM's shape at 128 tokens, as a search team would serve a pre-trained BERT.
        var demoConfig = FreshStudent.Config(settings, wordPiece);
        var miniLmConfig = new BertConfig { VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536, PadTokenId = wordPiece.PadId };
        var demoInputs = pairs.Select(p => wordPiece.Encode(p.Query, p.Document, settings.MaxSequenceLength)).ToArray();
        var miniLmInputs = pairs.Select(p => wordPiece.Encode(p.Query, p.Document, 128)).ToArray();
        var teacherInputs = pairs.Select(p => bpe.Encode(p.Query, p.Document, settings.MaxSequenceLength)).ToArray();

        using var demo = new StudentScorers("student (demo)", demoConfig, demoInputs, Path.Combine(work.Path, "demo.onnx"), threads);
        using var miniLm = new StudentScorers("MiniLM shape", miniLmConfig, miniLmInputs, Path.Combine(work.Path, "minilm.onnx"), threads);
        using var teacher = TorchGenerators.Seeded(1, () => new DecoderRanker(FreshTeacher.Config(settings, bpe.VocabularySize)));
        var teacherScorer = new BatchScorer(new BatchScorerOptions { PadTokenId = bpe.PadId, PaddingSide = PaddingSide.Left });

        (string Name, int Tokens, Action Run)[] scorers =
        [
            ("student (demo) torch", Tokens(demoInputs), demo.RunTorch),
            ("student (demo) ONNX Runtime", Tokens(demoInputs), demo.RunOnnx),
            ("MiniLM shape torch", Tokens(miniLmInputs), miniLm.RunTorch),
            ("MiniLM shape ONNX Runtime", Tokens(miniLmInputs), miniLm.RunOnnx),
            ("teacher (demo) torch", Tokens(teacherInputs), () => teacherScorer.Score(teacher, teacherInputs, cancellationToken: cancellationToken)),
        ];
        var seconds = Interleaved(scorers.Select(s => s.Run).ToArray(), rounds, cancellationToken);
        Console.WriteLine($"{"scorer",-30} {"tokens",8} {"ms",8} {"pairs/s",9}");
        for (int i = 0; i < scorers.Length; i++)
            Console.WriteLine($"{scorers[i].Name,-30} {scorers[i].Tokens,8} {seconds[i] * 1000,8:F0} {pairs.Count / seconds[i],9:F0}");

        var demoOrtRate = pairs.Count / seconds[1];
        var studentServing = pairs.Count / Math.Min(seconds[0], seconds[1]); // the faster runtime, as the report names it
        var teacherRate = pairs.Count / seconds[4];
        Console.WriteLine($"(demo student ONNX Runtime vs torch {seconds[0] / seconds[1]:F2}; student_vs_teacher_speedup uses the student's faster runtime; target: ort_vs_torch >= 2 on the MiniLM shape)");
        Console.WriteLine($"scoring: ort_vs_torch={seconds[2] / seconds[3]:F2} student_ort_pairs_per_s={demoOrtRate:F0} student_vs_teacher_speedup={studentServing / teacherRate:F1}");
        return Task.FromResult(0);
    }

    /// <summary>Pairs of the demo world's queries with their candidate documents, in order.</summary>
    private static List<(string Query, string Document)> Pairs(int count)
    {
        var world = SyntheticWeb.Generate(SyntheticWebOptions.Quick);
        return world.Queries
            .SelectMany(q => q.Candidates.Select(d => (q.Text, RankerText.Document(world.Documents[d].Title, world.Documents[d].Summary))))
            .Take(count)
            .ToList();
    }

    private static int Tokens(EncodedSequence[] inputs) => inputs.Sum(s => s.Length);

    /// <summary>Two warm-up rounds, then <paramref name="rounds"/> timed ones; the median seconds of each scorer.</summary>
    private static double[] Interleaved(Action[] runs, int rounds, CancellationToken cancellationToken)
    {
        var times = runs.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds + 2; r++)
        {
            for (var i = 0; i < runs.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                runs[i]();
                if (r >= 2)
                    times[i].Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }
        return times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
    }

    /// <summary>One BERT shape with fresh weights, scored by torch and by its exported graph in ONNX Runtime.</summary>
    private sealed class StudentScorers : IDisposable
    {
        private readonly BertRanker _model;
        private readonly BatchScorer _torch;
        private readonly OnnxCrossEncoder _onnx;
        private readonly EncodedSequence[] _inputs;

        public StudentScorers(string name, BertConfig config, EncodedSequence[] inputs, string path, int threads)
        {
            _model = TorchGenerators.Seeded(1, () => new BertRanker(config));
            _model.eval();
            _inputs = inputs;
            var options = new BatchScorerOptions { PadTokenId = config.PadTokenId };
            _torch = new BatchScorer(options);
            BertOnnxExport.Write(_model, path);
            _onnx = new OnnxCrossEncoder(path, threads, options);
            // Same weights, same pairs: the two runtimes must agree before their speed means anything.
            var (a, b) = (_torch.Score(_model, _inputs), _onnx.Score(_inputs));
            var diff = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Console.WriteLine($"{name}: {config.NumHiddenLayers} layers, width {config.HiddenSize}; ONNX Runtime vs torch max |score diff| {diff:G2}");
            if (diff > 1e-4)
                throw new InvalidOperationException($"{name}: ONNX Runtime and torch disagree by {diff}");
        }

        public void RunTorch() => _torch.Score(_model, _inputs);

        public void RunOnnx() => _onnx.Score(_inputs);

        public void Dispose()
        {
            _onnx.Dispose();
            _model.Dispose();
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rankdistill-scoring-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
