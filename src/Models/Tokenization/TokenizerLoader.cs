using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// Picks the tokenizer a Hugging Face checkpoint folder carries, by its files:
/// <c>vocab.txt</c> → BERT WordPiece; <c>tokenizer.model</c> → LLaMA SentencePiece;
/// <c>vocab.json</c> + <c>merges.txt</c> → byte-level BPE (Qwen2, GPT-2); <c>*.tiktoken</c> → tiktoken.
/// Special tokens come from the tokenizer itself or from <c>tokenizer_config.json</c>.
/// </summary>
public static class TokenizerLoader
{
    /// <summary>Qwen2's pre-tokenizer split (GPT-4's, with single digits): used when tokenizer.json does not give one.</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>cl100k's split (digits in runs of up to three), the usual one for tiktoken vocabularies.</summary>
    public const string Cl100kPattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private const string EndOfText = "<|endoftext|>";

    /// <param name="folder">A checkpoint folder with tokenizer files.</param>
    /// <param name="separator">Text a decoder input puts between query and document.</param>
    public static PairEncoder FromFolder(string folder, string separator = "\n")
    {
        var config = TokenizerConfig.Read(folder);
        string At(string name) => Path.Combine(folder, name);
        if (File.Exists(At("vocab.txt")))
            return Bert(At("vocab.txt"), config);
        if (File.Exists(At("tokenizer.model")))
            return SentencePiece(At("tokenizer.model"), config, separator);
        if (File.Exists(At("vocab.json")) && File.Exists(At("merges.txt")))
            return ByteLevelBpe(At("vocab.json"), At("merges.txt"), config, separator);
        if (Directory.EnumerateFiles(folder, "*.tiktoken").Order(StringComparer.Ordinal).FirstOrDefault() is { } tiktoken)
            return Tiktoken(tiktoken, config, separator);
        throw new FileNotFoundException($"{folder}: no tokenizer files (vocab.txt, tokenizer.model, vocab.json + merges.txt, or *.tiktoken)");
    }

    private static PairEncoder Bert(string vocab, TokenizerConfig config)
    {
        // Hugging Face's defaults: lower-case, strip accents when lower-casing, space out CJK ideographs.
        var lowerCase = config.Flag("do_lower_case") ?? true;
        var normalizer = new BertBasicNormalizer(lowerCase, config.Flag("strip_accents") ?? lowerCase, config.Flag("tokenize_chinese_chars") ?? true);
        // Microsoft.ML's WordPiece is HF's greedy longest-match-first with "##" continuations and [UNK] for a whole word
        // it cannot spell; it counts a word's 100-character limit in UTF-16 units where HF counts code points.
        var tokenizer = BertTokenizer.Create(vocab, new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            Normalizer = normalizer,
            PreTokenizer = BertBasicPreTokenizer.Instance,
        });
        var layout = new PairLayout(true, tokenizer.PaddingTokenId, tokenizer.ClassificationTokenId, tokenizer.SeparatorTokenId, MaskId: tokenizer.MaskingTokenId);
        var size = File.ReadLines(vocab).Count();
        return new PairEncoder(tokenizer, text => tokenizer.EncodeToIds(text, addSpecialTokens: false), layout, size, "");
    }

    private static PairEncoder SentencePiece(string model, TokenizerConfig config, string separator)
    {
        LlamaTokenizer tokenizer;
        using (var stream = File.OpenRead(model))
            tokenizer = LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false);
        // LLaMA starts every sequence with <s> unless the folder says otherwise.
        int? bos = config.Flag("add_bos_token") ?? true ? tokenizer.BeginningOfSentenceId : null;
        var pad = config.Token("pad_token") is { } p && tokenizer.Vocabulary.TryGetValue(p, out var id) ? id : tokenizer.EndOfSentenceId;
        var layout = new PairLayout(false, pad, BeginId: bos, EndId: tokenizer.EndOfSentenceId);
        return new PairEncoder(tokenizer, text => tokenizer.EncodeToIds(text, false, false), layout, tokenizer.Vocabulary.Values.Max() + 1, separator);
    }

    private static PairEncoder ByteLevelBpe(string vocab, string merges, TokenizerConfig config, string separator)
    {
        var special = config.AddedTokens();
        var pattern = config.SplitPattern() ?? Qwen2Pattern;
        var tokenizer = BpeTokenizer.Create(new BpeOptions(vocab, merges)
        {
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special),
            SpecialTokens = special,
        });
        var ids = tokenizer.Vocabulary.Concat(special).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return Decoder(tokenizer, ids, ids.Values.Max() + 1, config, separator, TextNormalization.From(config));
    }

    private static PairEncoder Tiktoken(string ranks, TokenizerConfig config, string separator)
    {
        var special = config.AddedTokens();
        var tokenizer = TiktokenTokenizer.Create(ranks, new RegexPreTokenizer(new Regex(Cl100kPattern, RegexOptions.Compiled), special), null, special);
        // Each line is "base64-token rank" and the rank is the id.
        var largest = File.ReadLines(ranks).Where(l => l.Length > 0)
            .Max(l => int.Parse(l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return Decoder(tokenizer, special, Math.Max(largest, special.Values.DefaultIfEmpty(0).Max()) + 1, config, separator);
    }

    /// <summary>The decoder layout of a BPE-family tokenizer: end token from the config (default &lt;|endoftext|&gt;), no begin token unless asked.</summary>
    private static PairEncoder Decoder(
        Tokenizer tokenizer, Dictionary<string, int> ids, int vocabularySize, TokenizerConfig config, string separator, TextNormalization normalization = default)
    {
        int Id(string token) => ids.TryGetValue(token, out var id) ? id
            : throw new InvalidDataException($"special token '{token}' is neither in the vocabulary nor in the added tokens");
        var end = Id(config.Token("eos_token") ?? EndOfText);
        var pad = config.Token("pad_token") is { } p ? Id(p) : end;
        int? bos = config.Flag("add_bos_token") == true && config.Token("bos_token") is { } b ? Id(b) : null;
        var layout = new PairLayout(false, pad, BeginId: bos, EndId: end);
        return new PairEncoder(tokenizer, text => tokenizer.EncodeToIds(normalization.Apply(text)), layout, vocabularySize, separator);
    }
}
