using Microsoft.ML.Tokenizers;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// Turns query–document pairs into model inputs with a length budget, in the layout the model expects:
/// <list type="bullet">
/// <item>cross-encoder (BERT): <c>[CLS] query [SEP] document [SEP]</c>, token types 0 then 1;</item>
/// <item>decoder: <c>[bos] query separator document &lt;/s&gt;</c>, the end token last so the score head reads it.</item>
/// </list>
/// Over budget, tokens come off the end of the longer of query and document (<see cref="LongestFirstTruncation"/>).
/// </summary>
public sealed class PairEncoder
{
    /// <summary>The label value that takes a position out of the causal-LM loss (PyTorch's ignore_index).</summary>
    public const int IgnoredLabel = -100;

    private readonly Func<string, IReadOnlyList<int>> _encode;
    private readonly int[] _separator;

    internal PairEncoder(Tokenizer tokenizer, Func<string, IReadOnlyList<int>> encode, PairLayout layout, int vocabularySize, string separator)
    {
        Tokenizer = tokenizer;
        _encode = encode;
        Layout = layout;
        VocabularySize = vocabularySize;
        _separator = layout.IsCrossEncoder || separator.Length == 0 ? [] : [.. encode(separator)];
    }

    public Tokenizer Tokenizer { get; }

    public PairLayout Layout { get; }

    /// <summary>One more than the largest token id the tokenizer can produce: the smallest vocab_size a model for it needs.</summary>
    public int VocabularySize { get; }

    /// <summary>The id collation pads with (the mask hides it).</summary>
    public int PadId => Layout.PadId;

    /// <summary>Token ids of a text, no special tokens added.</summary>
    public IReadOnlyList<int> EncodeText(string text) => _encode(text);

    /// <summary>A query–document pair for scoring, at most <paramref name="maxLength"/> tokens.</summary>
    public EncodedSequence Encode(string query, string document, int maxLength)
    {
        var (q, d) = (_encode(query), _encode(document));
        if (Layout.IsCrossEncoder)
        {
            var (qn, dn) = LongestFirstTruncation.Keep(q.Count, d.Count, maxLength - 3);
            int[] ids = [Layout.ClassificationId, .. q.Take(qn), Layout.SeparatorId, .. d.Take(dn), Layout.SeparatorId];
            var types = ids.Select((_, i) => i < qn + 2 ? 0 : 1).ToArray();
            return new EncodedSequence(ids, types);
        }
        var prefix = Layout.BeginId is { } bos ? new[] { bos } : [];
        var (qk, dk) = LongestFirstTruncation.Keep(q.Count, d.Count, maxLength - prefix.Length - _separator.Length - 1);
        return new EncodedSequence([.. prefix, .. q.Take(qk), .. _separator, .. d.Take(dk), Layout.EndId]);
    }

    /// <summary>
    /// A continued-pre-training example: the query is the prompt, <paramref name="completion"/> (title and
    /// summary) the target, then the end token. Labels are -100 on the prompt, so only the completion is
    /// learned. Labels line up with the input ids (Hugging Face's convention): the loss shifts them, so the
    /// logits at position i − 1 predict <c>Labels[i]</c>. Over budget, the longer of prompt and completion is cut from
    /// its end (<see cref="LongestFirstTruncation"/>), so a long query still leaves a completion to learn; a cut
    /// completion loses its end token first, as a cut text has no end.
    /// </summary>
    public EncodedSequence EncodePromptCompletion(string query, string completion, int maxLength)
    {
        if (Layout.IsCrossEncoder)
            throw new InvalidOperationException("prompt–completion examples are for decoders; this tokenizer has the BERT layout");
        var prefix = Layout.BeginId is { } bos ? new[] { bos } : [];
        var q = _encode(query);
        int[] target = [.. _encode(completion), Layout.EndId];
        var (qk, tk) = LongestFirstTruncation.Keep(q.Count, target.Length, maxLength - prefix.Length - _separator.Length);
        int[] prompt = [.. prefix, .. q.Take(qk), .. _separator];
        int[] ids = [.. prompt, .. target.Take(tk)];
        var labels = ids.Select((id, i) => i < prompt.Length ? IgnoredLabel : id).ToArray();
        return new EncodedSequence(ids, Labels: labels);
    }
}
