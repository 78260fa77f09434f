using System.Diagnostics;
using RankDistill.Models;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Llm;
using RankDistill.Models.Scoring;
using RankDistill.Models.Training;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace RankDistill.Bench;

/// <summary>
/// Training and scoring speed of our models on this machine, against the matmul ceiling and TorchSharp's
/// built-in encoder. FLOPs are counted as 6 · (matmul parameters) · tokens for the dense layers (2 forward,
/// 4 backward) plus 12 · layers · T² · d per sequence for attention scores and mixing (QKᵀ and AV, 2·T²·d
/// each forward, ×3 with backward), halved for causal attention since only the lower triangle is useful
/// work. Embedding lookups, norms and activations are not counted. MFU = achieved FLOP/s ÷ best matmul FLOP/s.
/// </summary>
internal sealed class TrainingBenchmark : IBenchmark
{
    private const int Vocab = 8192;

    public string Name => "training";

    public string Description => "training throughput and MFU of our BERT and decoder vs the built-in encoder; length bucketing";

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var quick = args.Contains("--quick");
        var rounds = quick ? 3 : 6;
        Console.WriteLine($"torch threads {get_num_threads()}, {Environment.ProcessorCount} cores; the machine is shared, so every model and the");
        Console.WriteLine($"matmul probe run in turn in each of {rounds} rounds (medians reported), to see the same load");

        (int D, int Layers, int Heads, int T, int B)[] shapes = quick ? [(256, 4, 4, 128, 16)] : [(256, 4, 4, 128, 16), (512, 6, 8, 256, 8)];
        var (bertVsBuiltIn, bertMfu, decoderMfu) = (double.MaxValue, double.MaxValue, double.MaxValue);
        var decoderMfuByWidth = new List<string>();
        var (m, k, n) = BestMatmulShape();
        Console.WriteLine($"{"model",-28} {"shape",-24} {"ms/step",8} {"tokens/s",9} {"GFLOP/s",8} {"MFU",5}");
        foreach (var (d, layers, heads, t, b) in shapes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shape = $"d{d} L{layers} h{heads} T{t} B{b}";
            using var a = randn(m, k);
            using var w = randn(k, n);
            // Eight products a round, so the probe lasts long enough to see the same load as a training step.
            var probe = new Step("matmul ceiling", 8 * 2.0 * m * k * n, 0, () =>
            {
                for (var i = 0; i < 8; i++)
                    a.matmul(w).Dispose();
            });
            var builtIn = BuiltInEncoderStep(d, layers, heads, t, b);
            var bert = BertStep(d, layers, heads, t, b);
            var decoder = DecoderStep(d, layers, heads, t, b);
            Step[] all = [probe, builtIn, bert, decoder];
            var seconds = Interleaved(all, rounds);
            var ceiling = probe.Flops / seconds[0];
            Console.WriteLine($"{"matmul ceiling",-28} {$"8 x {m}x{k} @ {k}x{n}",-24} {seconds[0] * 1000,8:F0} {"",9} {ceiling / 1e9,8:F1} {1,5:F2}");
            var rates = all.Select((s, i) => Report(s, shape, seconds[i], ceiling)).ToArray();
            bertVsBuiltIn = Math.Min(bertVsBuiltIn, rates[2].TokensPerSecond / rates[1].TokensPerSecond);
            bertMfu = Math.Min(bertMfu, rates[2].Mfu);
            decoderMfu = Math.Min(decoderMfu, rates[3].Mfu);
            decoderMfuByWidth.Add($"decoder_mfu_d{d}={rates[3].Mfu:F2}");
            foreach (var s in all.Skip(1))
                s.Dispose();
        }

        var bucketing = BucketingSpeedup(quick);
        var grouping = ListGroupingSpeedup(rounds);
        Console.WriteLine($"decoder by width: {string.Join(' ', decoderMfuByWidth)}");
        Console.WriteLine("(ratios are the worst over the shapes; targets: bert_vs_builtin >= 0.9, MFU >= 0.6, bucketing >= 1.5, list_grouping >= 1.3)");
        Console.WriteLine($"training: bert_vs_builtin={bertVsBuiltIn:F2} bert_mfu={bertMfu:F2} decoder_mfu={decoderMfu:F2} bucketing_speedup={bucketing:F2} list_grouping_speedup={grouping:F2}");
        return Task.FromResult(0);
    }

    private static (double TokensPerSecond, double Mfu) Report(Step step, string shape, double seconds, double ceiling)
    {
        if (step.Tokens == 0)
            return (0, 1);
        var flops = step.Flops / seconds;
        Console.WriteLine($"{step.Name,-28} {shape,-24} {seconds * 1000,8:F0} {step.Tokens / seconds,9:F0} {flops / 1e9,8:F1} {flops / ceiling,5:F2}");
        return (step.Tokens / seconds, flops / ceiling);
    }

    /// <summary>Median seconds of each step, run in turn round after round after two warm-up rounds.</summary>
    private static double[] Interleaved(Step[] steps, int rounds)
    {
        var times = steps.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < rounds + 2; r++)
        {
            for (var i = 0; i < steps.Length; i++)
            {
                var watch = Stopwatch.StartNew();
                steps[i].Run();
                if (r >= 2)
                    times[i].Add(watch.Elapsed.TotalSeconds);
            }
        }
        return times.Select(t => t.Order().ElementAt(t.Count / 2)).ToArray();
    }

    /// <summary>The fastest fp32 matmul among shapes like the models' own (tokens × d by d × 4d ...): the ceiling probe.</summary>
    private static (int M, int K, int N) BestMatmulShape()
    {
        (int M, int K, int N)[] shapes = [(2048, 256, 1024), (2048, 512, 512), (2048, 512, 2048), (2048, 2048, 512), (1024, 1024, 1024)];
        return shapes.MaxBy(s =>
        {
            using var scope = NewDisposeScope();
            var (a, w) = (randn(s.M, s.K), randn(s.K, s.N));
            return 2.0 * s.M * s.K * s.N / Time(5, () => a.matmul(w).Dispose());
        });
    }

    private static Step BertStep(int d, int layers, int heads, int t, int b)
    {
        var config = new BertConfig { VocabSize = Vocab, HiddenSize = d, NumHiddenLayers = layers, NumAttentionHeads = heads, IntermediateSize = 4 * d, MaxPositionEmbeddings = t };
        var model = new BertRanker(config);
        var (ids, types, mask, target) = (randint(0, Vocab, [b, t]), zeros(b, t, int64), ones(b, t, int64), randn(b));
        var flops = DenseFlops(model, "embeddings.", b * t) + AttentionFlops(layers, t, d, b, causal: false);
        return Step.Training("our BertRanker", model, flops, b * t, () => nn.functional.mse_loss(model.forward(ids, types, mask), target));
    }

    /// <summary>The reference: word embeddings, TorchSharp's built-in post-norm encoder, a linear score on the first token.</summary>
    private static Step BuiltInEncoderStep(int d, int layers, int heads, int t, int b)
    {
        var model = new BuiltInRanker(d, layers, heads);
        var (ids, target) = (randint(0, Vocab, [b, t]), randn(b));
        var flops = DenseFlops(model, "embed", b * t) + AttentionFlops(layers, t, d, b, causal: false);
        return Step.Training("built-in TransformerEncoder", model, flops, b * t, () => nn.functional.mse_loss(model.forward(ids), target));
    }

    private static Step DecoderStep(int d, int layers, int heads, int t, int b)
    {
        // Qwen2-like proportions: GQA with half as many kv heads, SwiGLU width 8/3 · d rounded to 64, tied head.
        var config = new DecoderConfig
        {
            VocabSize = Vocab,
            HiddenSize = d,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = heads / 2,
            IntermediateSize = (8 * d / 3 + 63) / 64 * 64,
            TieWordEmbeddings = true,
            MaxPositionEmbeddings = t,
        };
        var model = new DecoderLanguageModel(config);
        var (ids, mask, labels) = (randint(0, Vocab, [b, t]), ones(b, t, int64), randint(0, Vocab, [b * t]));
        // The tied LM head is a d × V matmul on every token even though its weight is the embedding table.
        var flops = DenseFlops(model, "model.embed", b * t) + 6.0 * d * Vocab * b * t + AttentionFlops(layers, t, d, b, causal: true);
        return Step.Training("our DecoderLanguageModel", model, flops, b * t, () => nn.functional.cross_entropy(model.forward(ids, mask).view(-1, Vocab), labels));
    }

    private static double DenseFlops(nn.Module model, string embeddingPrefix, long tokens) =>
        6.0 * tokens * model.named_parameters().Where(p => p.parameter.dim() == 2 && !p.name.StartsWith(embeddingPrefix, StringComparison.Ordinal)).Sum(p => p.parameter.numel());

    private static double AttentionFlops(int layers, int t, int d, int b, bool causal) => (causal ? 6.0 : 12.0) * layers * t * (double)t * d * b;

    /// <summary>
    /// Scoring throughput of the real <see cref="BatchScorer"/> on a realistic mix of lengths (log-normal,
    /// median ~27 tokens, up to 256): length-bucketed batches against every batch padded to the longest input.
    /// </summary>
    private static double BucketingSpeedup(bool quick)
    {
        var config = new BertConfig { VocabSize = Vocab, HiddenSize = 256, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 1024, MaxPositionEmbeddings = 256 };
        using var model = new BertRanker(config);
        var random = new Random(7);
        var inputs = Enumerable.Range(0, quick ? 128 : 512)
            .Select(_ => Math.Clamp((int)Math.Exp(3.3 + 0.6 * Gaussian(random)), 8, 256))
            .Select(length => new EncodedSequence(
                [.. Enumerable.Range(0, length).Select(_ => random.Next(1, Vocab))], new int[length]))
            .ToList();
        var bucketedScorer = new BatchScorer(new BatchScorerOptions { TokenBudget = 8192, Bucketing = true });
        var paddedScorer = new BatchScorer(new BatchScorerOptions { TokenBudget = 8192, Bucketing = false });
        var padded = Time(quick ? 1 : 2, () => paddedScorer.Score(model, inputs));
        var bucketed = Time(quick ? 1 : 2, () => bucketedScorer.Score(model, inputs));
        var lengths = inputs.Select(s => s.Length).Order().ToList();
        Console.WriteLine($"scoring {inputs.Count} pairs (median {lengths[lengths.Count / 2]} tokens, max {lengths[^1]}): " +
            $"padded to the longest {inputs.Count / padded:F0} pairs/s, length-bucketed {inputs.Count / bucketed:F0} pairs/s");
        return padded / bucketed;
    }

    /// <summary>
    /// A distillation update of the default student (d64, 2 layers) on the demo's batch shape, 16 lists of 24 documents
    /// of mixed length: the documents in <see cref="ListScoring.LengthGroups"/> passes of similar length, as training
    /// does, against one pass padded to the batch's longest. Same inputs, same model shape, timed in turn.
    /// </summary>
    private static double ListGroupingSpeedup(int rounds)
    {
        var random = new Random(11);
        var documents = Enumerable.Range(0, 16 * 24)
            .Select(_ => Math.Clamp((int)Math.Exp(3.55 + 0.35 * Gaussian(random)), 12, 96))
            .Select(length => new EncodedSequence([.. Enumerable.Range(0, length).Select(_ => random.Next(1, Vocab))], new int[length]))
            .ToArray();
        var target = randn(documents.Length);
        var collator = new Collator();
        Step Update(string name, int groups)
        {
            var config = new BertConfig { VocabSize = Vocab, HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 2, IntermediateSize = 256 };
            var model = new BertRanker(config);
            return Step.Training(name, model, 0, 0, () => nn.functional.mse_loss(ListScoring.ScoreByLength(model, documents, collator, groups), target));
        }
        Step[] steps = [Update("one padded pass", 1), Update("length groups", ListScoring.LengthGroups)];
        var seconds = Interleaved(steps, rounds);
        foreach (var step in steps)
            step.Dispose();
        var lengths = documents.Select(d => d.Length).Order().ToList();
        Console.WriteLine($"distillation update, 16 lists x 24 documents ({lengths[0]}-{lengths[^1]} tokens, mean {lengths.Average():F0}): " +
            $"one padded pass {seconds[0] * 1000:F0} ms, {ListScoring.LengthGroups} length groups {seconds[1] * 1000:F0} ms");
        return seconds[0] / seconds[1];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Median wall time of <paramref name="repeats"/> runs, after two warm-up runs.</summary>
    private static double Time(int repeats, Action action)
    {
        action();
        action();
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    private sealed class BuiltInRanker : nn.Module<Tensor, Tensor>
    {
        [ComponentName(Name = "embed")]
        private readonly Embedding _embed;
        [ComponentName(Name = "encoder")]
        private readonly TransformerEncoder _encoder;
        [ComponentName(Name = "head")]
        private readonly Linear _head;

        public BuiltInRanker(int d, int layers, int heads) : base(nameof(BuiltInRanker))
        {
            _embed = nn.Embedding(Vocab, d);
            _encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, heads, 4 * d, 0.1, nn.Activations.GELU), layers);
            _head = nn.Linear(d, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor ids)
        {
            using var scope = NewDisposeScope();
            var h = _encoder.call(_embed.forward(ids).transpose(0, 1)); // (T, B, d): the built-in encoder is sequence-first
            return _head.forward(h[0]).squeeze(-1).MoveToOuterDisposeScope();
        }
    }

    /// <summary>One timed unit of work: a full training step (forward, backward, AdamW) or the matmul probe.</summary>
    private sealed class Step(string name, double flops, long tokens, Action run, IDisposable? owned = null) : IDisposable
    {
        public string Name => name;

        public double Flops => flops;

        public long Tokens => tokens;

        public void Run() => run();

        public static Step Training(string name, nn.Module model, double flops, long tokens, Func<Tensor> loss)
        {
            model.train();
            var optimizer = optim.AdamW(model.parameters(), lr: 1e-4);
            return new Step(name, flops, tokens, () =>
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                loss().backward();
                optimizer.step();
            }, new Owned(model, optimizer));
        }

        public void Dispose() => owned?.Dispose();

        private sealed class Owned(nn.Module model, IDisposable optimizer) : IDisposable
        {
            public void Dispose()
            {
                optimizer.Dispose();
                model.Dispose();
            }
        }
    }
}
