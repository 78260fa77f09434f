using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// Builds small vocabularies from a demo or test corpus, written in the files Hugging Face folders use,
/// so <see cref="TokenizerLoader"/> loads them with the same tokenizer classes as a real checkpoint.
/// </summary>
public static class VocabularyBuilder
{
    /// <summary>BERT's special tokens, first in the vocabulary (so [PAD] is id 0, as models expect).</summary>
    public static readonly IReadOnlyList<string> WordPieceSpecials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    public const string EndOfText = "<|endoftext|>";

    /// <summary>A pad of its own, not the end token: Hugging Face's sequence classification pools the last non-pad token, which must be the end token a ranker scores.</summary>
    public const string Pad = "<|pad|>";

    /// <summary>
    /// Writes <c>vocab.txt</c> for BERT WordPiece: the special tokens, every character seen (alone and as a
    /// <c>##</c> continuation, so any word of the corpus spells out without [UNK]), then the most frequent
    /// words up to <paramref name="maxWords"/>, words being what the loaded tokenizer's basic split makes of the text.
    /// </summary>
    public static void WriteWordPiece(IEnumerable<string> corpus, string folder, int maxWords = 4000)
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        var chars = new SortedSet<string>(StringComparer.Ordinal);
        var normalizer = new BertBasicNormalizer(lowerCase: true, stripAccents: true, spaceCjk: true);
        foreach (var text in corpus)
        {
            var normalized = normalizer.Normalize(text);
            foreach (var word in BertBasicPreTokenizer.Instance.PreTokenize(normalized).Select(w => normalized.Substring(w.Offset, w.Length)))
            {
                words[word] = words.GetValueOrDefault(word) + 1;
                foreach (var rune in word.EnumerateRunes())
                    chars.Add(rune.ToString());
            }
        }
        var vocab = new List<string>(WordPieceSpecials);
        vocab.AddRange(chars);
        vocab.AddRange(chars.Select(c => "##" + c));
        var seen = new HashSet<string>(vocab, StringComparer.Ordinal);
        vocab.AddRange(words.Where(w => w.Key.Length > 1 && !seen.Contains(w.Key))
            .OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(maxWords).Select(w => w.Key));
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "vocab.txt"), vocab);
        WriteConfig(folder, new JsonObject { ["do_lower_case"] = true, ["tokenizer_class"] = "BertTokenizer" });
    }

    /// <summary>
    /// Trains byte-level BPE on the corpus (split with Qwen2's pre-tokenizer pattern) up to
    /// <paramref name="vocabularySize"/> tokens and writes <c>vocab.json</c> and <c>merges.txt</c>, with
    /// <c>&lt;|endoftext|&gt;</c> (end) and <c>&lt;|pad|&gt;</c> (pad) as added special tokens in <c>tokenizer_config.json</c>, the way Qwen2 ships its specials.
    /// With <paramref name="normalizeWords"/> the tokenizer lower-cases and puts a space before every text and line
    /// (<c>do_lower_case</c>, <c>add_prefix_space</c>; <see cref="TextNormalization"/>), so each word has one token
    /// wherever it stands: a model that starts from nothing need not learn that "Brakes", "brakes" and " brakes" match.
    /// </summary>
    public static void WriteByteLevelBpe(IEnumerable<string> corpus, string folder, int vocabularySize = 1000, bool normalizeWords = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 256);
        var split = new Regex(TokenizerLoader.Qwen2Pattern);
        var normalization = new TextNormalization(normalizeWords, normalizeWords);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in corpus)
        {
            foreach (Match m in split.Matches(normalization.Apply(text)))
            {
                var word = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(m.Value));
                counts[word] = counts.GetValueOrDefault(word) + 1;
            }
        }
        var words = counts.Select(kv => (Symbols: kv.Key.Select(c => c.ToString()).ToList(), Count: kv.Value)).ToList();
        var vocab = ByteLevelAlphabet.ByteToChar.Select(c => c.ToString()).ToList();
        var merges = new List<(string Left, string Right)>();
        while (vocab.Count < vocabularySize && BestPair(words) is { } pair)
        {
            merges.Add(pair);
            vocab.Add(pair.Left + pair.Right);
            foreach (var (symbols, _) in words)
                Merge(symbols, pair);
        }
        Directory.CreateDirectory(folder);
        var vocabJson = new JsonObject();
        for (var i = 0; i < vocab.Count; i++)
            vocabJson[vocab[i]] = i;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), vocabJson.ToJsonString());
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", .. merges.Select(m => $"{m.Left} {m.Right}")]);
        WriteConfig(folder, new JsonObject
        {
            ["added_tokens_decoder"] = new JsonObject
            {
                [vocab.Count.ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["content"] = EndOfText, ["special"] = true },
                [(vocab.Count + 1).ToString(CultureInfo.InvariantCulture)] = new JsonObject { ["content"] = Pad, ["special"] = true },
            },
            ["eos_token"] = EndOfText,
            ["pad_token"] = Pad,
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["do_lower_case"] = normalizeWords,
            ["add_prefix_space"] = normalizeWords,
        });
    }

    /// <summary>The most frequent adjacent pair, ties broken by order so the result is deterministic.</summary>
    private static (string Left, string Right)? BestPair(List<(List<string> Symbols, int Count)> words)
    {
        var pairs = new Dictionary<(string, string), int>();
        foreach (var (symbols, count) in words)
        {
            for (var i = 0; i + 1 < symbols.Count; i++)
                pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
        }
        if (pairs.Count == 0)
            return null;
        return pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First().Key;
    }

    private static void Merge(List<string> symbols, (string Left, string Right) pair)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == pair.Left && symbols[i + 1] == pair.Right)
            {
                symbols[i] = pair.Left + pair.Right;
                symbols.RemoveAt(i + 1);
            }
        }
    }

    private static void WriteConfig(string folder, JsonObject config) =>
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
