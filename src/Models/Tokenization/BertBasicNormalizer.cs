using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// The text-changing half of Hugging Face's BERT BasicTokenizer, in its order: clean the text (drop U+0000, U+FFFD and
/// every "C*" category character but tab, newline and carriage return; any whitespace becomes a space), put spaces around
/// CJK ideographs, lower-case, strip accents (<see cref="AccentStripping"/>). <see cref="BertBasicPreTokenizer"/> then
/// splits the result. Microsoft.ML's own BERT normalizer differs: it drops newlines and tabs (gluing the words on either
/// side), keeps zero-width and other format characters, and strips no accents when globalization is invariant.
/// </summary>
internal sealed class BertBasicNormalizer(bool lowerCase, bool stripAccents, bool spaceCjk) : Normalizer
{
    public override string Normalize(string original)
    {
        var text = new StringBuilder(original.Length);
        foreach (var rune in original.EnumerateRunes())
        {
            if (rune.Value is 0 or 0xFFFD || IsControl(rune))
                continue;
            if (rune.Value is '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator)
                text.Append(' ');
            else if (spaceCjk && IsCjkIdeograph(rune.Value))
                text.Append(' ').AppendRune(rune).Append(' ');
            else
                text.AppendRune(lowerCase ? Rune.ToLowerInvariant(rune) : rune);
        }
        return stripAccents ? AccentStripping.Strip(text.ToString()) : text.ToString();
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());

    /// <summary>HF's <c>_is_control</c>: any "C" category (control, format, private use, unassigned; lone surrogates arrive as U+FFFD).</summary>
    private static bool IsControl(Rune rune) => rune.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;

    /// <summary>HF's <c>_is_chinese_char</c> ranges: the CJK Unified Ideographs blocks and extensions A–E, and the compatibility ideographs.</summary>
    private static bool IsCjkIdeograph(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
