using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Llm;
using RankDistill.Models.Onnx;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// A ranker loaded from a Hugging Face folder in the store, with its own tokenizer: the teacher, the student or a
/// published model. Disposing frees the weights; the downloaded folder is the caller's to delete.
/// </summary>
internal sealed class LoadedRanker : IDisposable
{
    private readonly nn.Module _module;
    private readonly IRanker _ranker;
    private readonly Device _device;
    private readonly BatchScorer _scorer;

    private LoadedRanker(nn.Module module, IRanker ranker, PairEncoder encoder, Device device, PaddingSide padding)
    {
        _module = module;
        _ranker = ranker;
        _device = device;
        Encoder = encoder;
        _scorer = new BatchScorer(new BatchScorerOptions { PadTokenId = encoder.PadId, PaddingSide = padding });
    }

    public PairEncoder Encoder { get; }

    /// <summary>Downloads the set at <paramref name="prefix"/> (verified against its manifest) into <paramref name="workDirectory"/> and loads it.</summary>
    /// <exception cref="InvalidDataException">The folder's model has no trained score head (a language model, or a bare encoder).</exception>
    public static async Task<LoadedRanker> LoadAsync(
        IArtifactStore store, string prefix, RankerKind kind, string workDirectory, Device device, CancellationToken cancellationToken)
    {
        var set = await store.GetSetAsync(prefix, cancellationToken);
        var folder = Path.Combine(workDirectory, prefix.Replace('/', '_'));
        await set.DownloadAsync(folder, cancellationToken);
        var encoder = TokenizerLoader.FromFolder(folder);
        if (kind == RankerKind.Decoder)
        {
            var (decoder, report) = DecoderCheckpoint.LoadRanker(folder, device);
            CheckHead(decoder, report.Missing, prefix);
            // The decoder reads its last real token, which it finds from the mask, so either side pads; left keeps it at the end.
            return new LoadedRanker(decoder, decoder, encoder, device, PaddingSide.Left);
        }
        var (bert, bertReport) = BertCheckpoint.LoadRanker(folder, device);
        CheckHead(bert, bertReport.Missing, prefix);
        return new LoadedRanker(bert, bert, encoder, device, PaddingSide.Right);
    }

    /// <summary>Encodes every pair within <paramref name="maxLength"/> tokens.</summary>
    public EncodedSequence[] Encode(IEnumerable<(string Query, string Document)> pairs, int maxLength) =>
        [.. pairs.Select(p => Encoder.Encode(p.Query, p.Document, maxLength))];

    /// <summary>Scores pre-encoded inputs in eval mode without autograd; element i is the score of input i.</summary>
    public float[] Score(IReadOnlyList<EncodedSequence> inputs, CancellationToken cancellationToken, IProgress<int>? progress = null) =>
        _scorer.Score(_ranker, _module, inputs, _device, progress, cancellationToken);

    /// <summary>Scores every document of every list for its query: one array per list, in document order.</summary>
    public double[][] ScoreLists(IReadOnlyList<GradedList> lists, int maxLength, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var inputs = Encode(lists.SelectMany(l => l.Docs.Select(d => (l.Query, RankerText.Document(d.Title, d.Summary)))), maxLength);
        var flat = Score(inputs, cancellationToken, progress);
        var result = new double[lists.Count][];
        int offset = 0;
        for (int i = 0; i < lists.Count; i++)
        {
            result[i] = [.. flat.AsSpan(offset, lists[i].Docs.Count).ToArray().Select(s => (double)s)];
            offset += lists[i].Docs.Count;
        }
        return result;
    }

    /// <summary>
    /// The BERT student as ONNX Runtime serves it: its graph written to <paramref name="path"/> (what Publish ships)
    /// and a CPU session on torch's thread count, batching as this ranker's scorer does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ranker is the decoder teacher, which has no ONNX graph here.</exception>
    public OnnxCrossEncoder ServeWithOnnxRuntime(string path)
    {
        if (_module is not BertRanker bert)
            throw new InvalidOperationException("Only the BERT student is exported to ONNX.");
        BertOnnxExport.Write(bert, path);
        return new OnnxCrossEncoder(path, get_num_threads(), _scorer.Options);
    }

    public void Dispose() => _module.Dispose();

    private static void CheckHead(nn.Module model, IReadOnlyList<string> missing, string prefix)
    {
        if (missing.Count == 0)
            return;
        model.Dispose();
        throw new InvalidDataException(
            $"The model at '{prefix}' lacks {string.Join(", ", missing)}: it is not a trained ranker (its score head would be random).");
    }
}
