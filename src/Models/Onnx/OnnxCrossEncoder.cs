using Microsoft.ML.OnnxRuntime;
using RankDistill.Models.Scoring;

namespace RankDistill.Models.Onnx;

/// <summary>
/// A cross-encoder graph written by <see cref="BertOnnxExport"/>, served by ONNX Runtime on the CPU: scores encoded
/// query–document pairs in the same length-bucketed, right-padded batches as <see cref="BatchScorer"/>, so the two
/// runtimes do the same work.
/// </summary>
public sealed class OnnxCrossEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly BatchScorer _planner;
    private readonly string[] _inputNames = [BertOnnxExport.InputIds, BertOnnxExport.AttentionMask, BertOnnxExport.TokenTypeIds];
    private readonly string[] _outputNames = [BertOnnxExport.Score];

    /// <param name="path">The model.onnx file.</param>
    /// <param name="threads">Intra-op threads; 0 lets ONNX Runtime choose (one per physical core). Timing against torch: pass torch's count.</param>
    /// <param name="options">Batching; its pad id must be the tokenizer's.</param>
    public OnnxCrossEncoder(string path, int threads, BatchScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PaddingSide != Batching.PaddingSide.Right)
            throw new ArgumentException("The BERT graph is fed right-padded batches, as the torch ranker is.", nameof(options));
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
        };
        _session = new InferenceSession(path, sessionOptions);
        _planner = new BatchScorer(options);
    }

    /// <summary>Element i is the score of <paramref name="inputs"/>[i].</summary>
    public float[] Score(IReadOnlyList<EncodedSequence> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var scores = new float[inputs.Count];
        if (inputs.Count == 0)
            return scores;
        using var run = new RunOptions();
        foreach (var batch in _planner.Plan(inputs))
        {
            cancellationToken.ThrowIfCancellationRequested();
            int b = batch.Length, t = batch.Max(i => inputs[i].Length);
            var ids = new long[b * t];
            var mask = new long[b * t];
            var types = new long[b * t];
            Array.Fill(ids, _planner.Options.PadTokenId);
            for (int row = 0; row < b; row++)
            {
                var s = inputs[batch[row]];
                for (int i = 0; i < s.Length; i++)
                {
                    ids[row * t + i] = s.InputIds[i];
                    mask[row * t + i] = 1;
                    types[row * t + i] = s.TokenTypeIds?[i] ?? 0;
                }
            }
            long[] shape = [b, t];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var outputs = _session.Run(run, _inputNames, [idsValue, maskValue, typesValue], _outputNames);
            var batchScores = outputs[0].GetTensorDataAsSpan<float>();
            for (int k = 0; k < b; k++)
                scores[batch[k]] = batchScores[k];
        }
        return scores;
    }

    public void Dispose() => _session.Dispose();
}
