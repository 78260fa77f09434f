namespace RankDistill.Models.Tokenization;

/// <summary>
/// GPT-2's byte-to-character table used by byte-level BPE vocabularies (Qwen2's too): printable bytes map
/// to themselves, the rest to characters from U+0100 up, so every byte string is a visible string
/// (a space becomes 'Ġ').
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character for each byte value.</summary>
    public static readonly char[] ByteToChar = Build();

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
