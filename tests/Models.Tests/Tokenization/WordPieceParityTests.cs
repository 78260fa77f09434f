using RankDistill.Models.Tests.Checkpoints;

namespace RankDistill.Models.Tests.Tokenization;

/// <summary>
/// BERT tokenization against Hugging Face's BertTokenizer (BasicTokenizer, then WordPiece) on the real bert-base-uncased
/// vocabulary. The expected ids were derived by hand from that vocab.txt (id = line number − 1) following HF's documented
/// rules: clean text, space out CJK ideographs, split on whitespace, lower-case and strip accents (NFD, drop Mn), split
/// off punctuation (all non-alphanumeric ASCII and Unicode "P*"), then greedy longest-match-first WordPiece with "##"
/// continuations, [UNK] (100) for a word it cannot spell or one over 100 characters.
/// </summary>
public sealed class WordPieceParityTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public static TheoryData<string, int[]> Cases => new()
    {
        { "hello world", [7592, 2088] },
        { "c++ tutorial", [1039, 1009, 1009, 14924, 4818] },                        // c + + tutor ##ial
        { "$5.99", [1002, 1019, 1012, 5585] },                                       // $ 5 . 99
        { "a+b=c", [1037, 1009, 1038, 1027, 1039] },                                 // a + b = c
        { "a/b", [1037, 1013, 1038] },
        { "<b>tags</b> | a^b ~x `y`", [1026, 1038, 1028, 22073, 1026, 1013, 1038, 1028, 1064, 1037, 1034, 1038, 1066, 1060, 1036, 1061, 1036] },
        { "what's c# used for?", [2054, 1005, 1055, 1039, 1001, 2109, 2005, 1029] },
        { "5×5", [1019, 26306, 2629] },                                              // × is a symbol, not punctuation: 5 ##× ##5
        { "€5 £10 © 2024 25°c → tm™ ½", [1574, 2629, 26812, 1075, 16798, 2549, 2423, 7737, 2278, 1585, 1056, 2213, 30108, 1092] },
        { "Café naïve", [7668, 15743] },                                             // accents stripped: cafe naive
        { "Ångström", [17076, 15687] },                                              // ang ##strom
        { "北京大学", [1781, 1755, 1810, 1817] },                                    // one token per ideograph
        { "한국어", [1469, 30006, 30021, 29991, 30014, 30020, 29999, 30008] },        // Hangul decomposes into jamo
        { "zero\u200Bwidth", [5717, 9148, 11927, 2232] },                            // the zero-width space (Cf) is dropped: zerowidth
        { "hello\nworld\ttabs", [7592, 2088, 21628, 2015] },                         // newline and tab separate words
        { "nul\0 and \uFFFD gone", [16371, 2140, 1998, 2908] },
        { new string('x', 120) + " ok", [100, 7929] },                               // over 100 characters: [UNK]
        { "x\uE000y", [1060, 2100] },                                                // private use (Co) is dropped like a control character
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EncodeText_WebQueriesAndDocuments_MatchHuggingFaceBertTokenizer(string text, int[] expected)
    {
        var encoder = BertBaseUncasedVocabulary.Load(_dir.Path);
        Assert.Equal(expected, encoder.EncodeText(text));
    }

    [Fact]
    public void Encode_HelloWorld_ClassificationTokensSeparator()
    {
        var encoder = BertBaseUncasedVocabulary.Load(_dir.Path);

        Assert.Equal(BertBaseUncasedVocabulary.Size, encoder.VocabularySize);
        Assert.Equal((0, 101, 102, 103), (encoder.PadId, encoder.Layout.ClassificationId, encoder.Layout.SeparatorId, encoder.Layout.MaskId));
        Assert.Equal(new[] { 101, 7592, 102, 2088, 102 }, encoder.Encode("Hello", "WORLD", maxLength: 16).InputIds);
    }

    public void Dispose() => _dir.Dispose();
}
