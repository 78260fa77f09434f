using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// The splitting half of Hugging Face's BERT BasicTokenizer, on text <see cref="BertBasicNormalizer"/> has cleaned: words
/// end at whitespace, and each punctuation character is a word of its own. Punctuation is HF's <c>_is_punctuation</c>:
/// every non-alphanumeric ASCII character ($ + = &lt; &gt; ^ ` | ~ included) and every Unicode "P" category. Other symbols
/// (€ £ © ° × → ™ ½) stay inside their word, which WordPiece then spells from the vocabulary or maps to [UNK].
/// Microsoft.ML's default BERT split (<c>\w+|[\p{P}]</c>) instead drops every symbol that is not Unicode punctuation.
/// </summary>
internal sealed class BertBasicPreTokenizer : PreTokenizer
{
    public static readonly BertBasicPreTokenizer Instance = new();

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    private static List<(int Offset, int Length)> Split(string text)
    {
        var words = new List<(int Offset, int Length)>();
        var start = 0;
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length);
            var (space, punctuation) = (Rune.IsWhiteSpace(rune), IsPunctuation(rune));
            if (space || punctuation)
            {
                if (i > start)
                    words.Add((start, i - start));
                if (punctuation)
                    words.Add((i, length));
                start = i + length;
            }
            i += length;
        }
        if (text.Length > start)
            words.Add((start, text.Length - start));
        return words;
    }

    private static bool IsPunctuation(Rune rune) => rune.Value is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
}
