using System.Text;

namespace RankDistill.Models.Tokenization;

internal static class RuneAppending
{
    /// <summary>Appends one code point without allocating a string for it (StringBuilder has no Rune overload).</summary>
    public static StringBuilder AppendRune(this StringBuilder builder, Rune rune)
    {
        if (rune.IsBmp)
            return builder.Append((char)rune.Value);
        Span<char> pair = stackalloc char[2];
        rune.EncodeToUtf16(pair);
        return builder.Append(pair);
    }
}
