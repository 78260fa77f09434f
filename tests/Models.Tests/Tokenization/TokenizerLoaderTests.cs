using System.Text;
using Microsoft.ML.Tokenizers;
using RankDistill.Models.Tests.Checkpoints;
using RankDistill.Models.Tokenization;

namespace RankDistill.Models.Tests.Tokenization;

public sealed class TokenizerLoaderTests
{
    private static readonly string[] _corpus =
    [
        "cheap flights to paris",
        "Paris travel guide: the best hotels, museums and restaurants in Paris.",
        "Book cheap flights and hotels; compare prices from 500 airlines.",
        "how to cook pasta",
        "Pasta recipes: cook spaghetti in salted boiling water for 9 minutes.",
    ];

    /// <summary>Web text a lossless tokenizer must give back as written: ASCII and Unicode symbols, CJK, a zero-width space, tabs, newlines and runs of spaces.</summary>
    private const string SymbolsAndWhitespace = "c++ $5.99 a+b=c 5×5 € £ © 25°C → ™ ½ 北京 zero\u200Bwidth\n\ttabbed  two  spaces\r\nend";

    [Fact]
    public void FromFolder_WordPieceVocabulary_BertLayoutWithTokenTypes()
    {
        using var dir = new TempFolder();
        VocabularyBuilder.WriteWordPiece(_corpus, dir.Path);
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        Assert.IsType<BertTokenizer>(encoder.Tokenizer);
        var bert = (BertTokenizer)encoder.Tokenizer;
        var q = encoder.EncodeText("cheap flights");
        var d = encoder.EncodeText("Paris travel guide");
        Assert.DoesNotContain(Array.IndexOf(File.ReadAllLines(dir.File("vocab.txt")), "[UNK]"), q.Concat(d));
        var pair = encoder.Encode("cheap flights", "Paris travel guide", maxLength: 64);
        int[] expected = [bert.ClassificationTokenId, .. q, bert.SeparatorTokenId, .. d, bert.SeparatorTokenId];
        Assert.Equal(expected, pair.InputIds);
        Assert.Equal(Enumerable.Repeat(0, q.Count + 2).Concat(Enumerable.Repeat(1, d.Count + 1)), pair.TokenTypeIds!);
        Assert.Equal(0, encoder.PadId);
        Assert.Equal(File.ReadLines(dir.File("vocab.txt")).Count(), encoder.VocabularySize);
    }

    [Fact]
    public void FromFolder_ByteLevelBpe_RoundTripsTextAndEndsWithEndToken()
    {
        using var dir = new TempFolder();
        VocabularyBuilder.WriteByteLevelBpe(_corpus, dir.Path, vocabularySize: 300);
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        Assert.IsType<BpeTokenizer>(encoder.Tokenizer);
        var text = "Cheap hotels in Paris — ünïcode too";
        Assert.Equal(text, encoder.Tokenizer.Decode(encoder.EncodeText(text)));
        Assert.Equal(SymbolsAndWhitespace, encoder.Tokenizer.Decode(encoder.EncodeText(SymbolsAndWhitespace)));
        Assert.True(encoder.EncodeText("cheap flights").Count < "cheap flights".Length, "learned merges should shorten the encoding");
        var pair = encoder.Encode("cheap flights", "Paris travel guide", maxLength: 64);
        Assert.Equal(300, pair.InputIds[^1]); // <|endoftext|> was added after the 300 learned tokens
        Assert.Equal(301, encoder.PadId); // then <|pad|>, a pad of its own
        Assert.Equal(302, encoder.VocabularySize);
        Assert.Null(pair.TokenTypeIds);
    }

    [Fact]
    public void FromFolder_WordNormalizedBpe_AWordIsOneTokenWhereverItStands()
    {
        using var dir = new TempFolder();
        VocabularyBuilder.WriteByteLevelBpe(_corpus, dir.Path, vocabularySize: 300, normalizeWords: true);
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        // At the start of the text, capitalised, after a space, at the start of a line: one and the same id.
        var paris = Assert.Single(encoder.EncodeText("paris"));
        Assert.Equal([paris], encoder.EncodeText("Paris"));
        Assert.Equal([paris], encoder.EncodeText(" PARIS"));
        var pair = encoder.Encode("Paris", "Hotels\nParis guide", maxLength: 64);
        Assert.Equal(2, pair.InputIds.Count(id => id == paris)); // the query's and the second line's
        Assert.Equal(" paris travel guide\n hotels", encoder.Tokenizer.Decode(encoder.EncodeText("Paris travel guide\nHotels")));

        // Without the flags (a real checkpoint's byte-level BPE), text is split as written.
        using var plain = new TempFolder();
        VocabularyBuilder.WriteByteLevelBpe(_corpus, plain.Path, vocabularySize: 300);
        var raw = TokenizerLoader.FromFolder(plain.Path);
        Assert.NotEqual(raw.EncodeText("paris"), raw.EncodeText("Paris"));
    }

    [Fact]
    public void EncodePromptCompletion_Decoder_LabelsOnlyTheCompletion()
    {
        using var dir = new TempFolder();
        VocabularyBuilder.WriteByteLevelBpe(_corpus, dir.Path, vocabularySize: 300);
        var encoder = TokenizerLoader.FromFolder(dir.Path);
        var q = encoder.EncodeText("cheap flights");
        var sep = encoder.EncodeText("\n");
        var c = encoder.EncodeText("Book cheap flights");

        var example = encoder.EncodePromptCompletion("cheap flights", "Book cheap flights", maxLength: 64);
        int[] expected = [.. q, .. sep, .. c, 300];
        Assert.Equal(expected, example.InputIds);
        var prompt = q.Count + sep.Count;
        Assert.All(example.Labels!.Take(prompt), l => Assert.Equal(PairEncoder.IgnoredLabel, l));
        Assert.Equal(expected.Skip(prompt), example.Labels!.Skip(prompt));

        var cut = encoder.EncodePromptCompletion("cheap flights", "Book cheap flights", maxLength: prompt + 2);
        Assert.Equal([.. q, .. sep, .. c.Take(2)], cut.InputIds); // the longer completion (and its end token) gave way

        // A prompt that alone fills the budget still leaves a completion to learn (longest-first, not prompt-first).
        var longQuery = string.Join(' ', Enumerable.Repeat("cheap flights", 30));
        var crowded = encoder.EncodePromptCompletion(longQuery, "Book cheap flights", maxLength: 16);
        Assert.Equal(16, crowded.Length);
        int[] target = [.. c, 300];
        var half = (16 - sep.Count) / 2; // the completion is the shorter side or gets half, the odd token going to the prompt
        Assert.Equal(target.Take(half), crowded.Labels!.SkipWhile(l => l == PairEncoder.IgnoredLabel));
    }

    [Fact]
    public void FromFolder_SentencePieceModel_LlamaTokenizerWithBeginAndEndTokens()
    {
        using var dir = new TempFolder();
        string[] pieces = ["▁", "c", "h", "e", "a", "p", "f", "l", "i", "g", "t", "s", "\n", "ch", "ea", "eap", "▁ch", "▁cheap", "fl", "ig", "igh", "ight", "ights", "▁fl", "▁flights"];
        SentencePieceModelFile.Write(dir.File("tokenizer.model"), pieces);
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        Assert.IsType<LlamaTokenizer>(encoder.Tokenizer);
        var cheap = 3 + Array.IndexOf(pieces, "▁cheap");
        var flights = 3 + Array.IndexOf(pieces, "▁flights");
        Assert.Equal(new[] { cheap, flights }, encoder.EncodeText("cheap flights"));
        var pair = encoder.Encode("cheap", "flights", maxLength: 16);
        Assert.Equal(1, pair.InputIds[0]);  // <s>
        Assert.Equal(2, pair.InputIds[^1]); // </s>
        Assert.Contains(cheap, pair.InputIds);
        Assert.Contains(flights, pair.InputIds);
        Assert.Equal(3 + pieces.Length, encoder.VocabularySize);
    }

    [Fact]
    public void FromFolder_LlamaStyleSentencePiece_SymbolsAndWhitespaceRoundTrip()
    {
        using var dir = new TempFolder();
        string[] pieces = ["▁", "c", "h", "e", "a", "p", "ch", "ea", "eap", "▁ch", "▁cheap"];
        SentencePieceModelFile.Write(dir.File("tokenizer.model"), pieces, byteFallback: true);
        int Piece(string piece) => 3 + 256 + Array.IndexOf(pieces, piece);
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        // Characters without a piece are spelt in UTF-8 bytes (<0xE2> <0x82> <0xAC> for €), never lost to <unk>.
        Assert.Equal(new[] { Piece("▁cheap"), Piece("▁"), 3 + 0xE2, 3 + 0x82, 3 + 0xAC }, encoder.EncodeText("cheap €"));
        Assert.DoesNotContain(0, encoder.EncodeText(SymbolsAndWhitespace));
        Assert.Equal(SymbolsAndWhitespace, encoder.Tokenizer.Decode(encoder.EncodeText(SymbolsAndWhitespace)));
    }

    [Fact]
    public void FromFolder_TiktokenRanks_TiktokenTokenizerWithAddedEndToken()
    {
        using var dir = new TempFolder();
        // Every byte is a token (ranks 0..255), then merges by rank.
        var ranks = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToList();
        foreach (var merged in new[] { "ch", "ea", "eap", "cheap", " f", "li", "gh", "ts", " fli", "ght", " flights" })
            ranks.Add(Encoding.UTF8.GetBytes(merged));
        File.WriteAllLines(dir.File("tiny.tiktoken"), ranks.Select((bytes, rank) => $"{Convert.ToBase64String(bytes)} {rank}"));
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"added_tokens_decoder": {"300": {"content": "<|endoftext|>", "special": true}}, "eos_token": "<|endoftext|>"}""");
        var encoder = TokenizerLoader.FromFolder(dir.Path);

        Assert.IsType<TiktokenTokenizer>(encoder.Tokenizer);
        Assert.Equal(new[] { 256 + 3, 256 + 10 }, encoder.EncodeText("cheap flights")); // "cheap", " flights"
        Assert.Equal("cheap flights!", encoder.Tokenizer.Decode(encoder.EncodeText("cheap flights!")));
        Assert.Equal(300, encoder.Encode("cheap", "flights", maxLength: 16).InputIds[^1]);
        Assert.Equal(301, encoder.VocabularySize);
    }

    [Fact]
    public void FromFolder_NoTokenizerFiles_FailsListingWhatItLooksFor()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<FileNotFoundException>(() => TokenizerLoader.FromFolder(dir.Path));
        Assert.Contains("vocab.txt", error.Message, StringComparison.Ordinal);
        Assert.Contains("tokenizer.model", error.Message, StringComparison.Ordinal);
    }
}
