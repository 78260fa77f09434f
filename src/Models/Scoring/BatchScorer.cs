using RankDistill.Models.Batching;
using static TorchSharp.torch;

namespace RankDistill.Models.Scoring;

/// <summary>
/// Scores many query–document sequences with a ranker for teacher labelling and evaluation:
/// eval mode (no dropout), no autograd, batches under a token budget, scores returned in input order.
/// </summary>
public sealed class BatchScorer(BatchScorerOptions options)
{
    public BatchScorerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Scores with a module that is its own ranker (the usual case).</summary>
    public float[] Score<TModel>(TModel model, IReadOnlyList<EncodedSequence> inputs, Device? device = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
        where TModel : nn.Module, IRanker =>
        Score(model, model, inputs, device, progress, cancellationToken);

    /// <summary>
    /// Scores every input; element i of the result is the score of <paramref name="inputs"/>[i].
    /// <paramref name="module"/> is put in eval mode for the call and given back in the mode it had.
    /// Runs under no_grad rather than inference_mode: tensors a model caches lazily during the call
    /// (rotary tables, masks) then stay usable for training afterwards. <paramref name="progress"/>
    /// receives the number of inputs scored so far after each batch.
    /// </summary>
    public float[] Score(IRanker ranker, nn.Module module, IReadOnlyList<EncodedSequence> inputs, Device? device = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ranker);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputs);
        var scores = new float[inputs.Count];
        if (inputs.Count == 0)
            return scores;

        var collator = new Collator(Options.PadTokenId, Options.PaddingSide, device);
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = no_grad();
            int done = 0;
            int padTo = Options.Bucketing ? 0 : inputs.Max(s => s.Length);
            foreach (var batch in Plan(inputs))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var tokens = collator.Collate(batch.Select(i => inputs[i]).ToArray(), padTo);
                var batchScores = ranker.Score(tokens).to(ScalarType.Float32).cpu().data<float>().ToArray();
                if (batchScores.Length != batch.Length)
                    throw new InvalidOperationException($"The ranker returned {batchScores.Length} scores for a batch of {batch.Length}.");
                for (int k = 0; k < batch.Length; k++)
                    scores[batch[k]] = batchScores[k];
                done += batch.Length;
                progress?.Report(done);
            }
        }
        finally
        {
            module.train(wasTraining);
        }
        return scores;
    }

    /// <summary>The batches, as arrays of input indices, in the order they are scored.</summary>
    internal List<int[]> Plan(IReadOnlyList<EncodedSequence> inputs)
    {
        ItemShape ShapeOf(int i) => new(1, inputs[i].Length);
        if (Options.Bucketing)
            return LengthBuckets.Cut(LengthBuckets.SortedByLength(Enumerable.Range(0, inputs.Count), ShapeOf), ShapeOf, Options.TokenBudget, Options.MaxBatchSize);

        // Padded-to-max baseline: every batch is as long as the longest input, so it holds budget / longest rows.
        int longest = inputs.Max(s => s.Length);
        int rows = Math.Clamp(Options.TokenBudget / Math.Max(longest, 1), 1, Options.MaxBatchSize);
        return Enumerable.Range(0, inputs.Count).Chunk(rows).ToList();
    }
}
