using System.Text;

namespace RankDistill.Models.Tokenization;

/// <summary>
/// What a tokenizer folder asks done to text before it is split: <c>do_lower_case</c> and <c>add_prefix_space</c> in
/// <c>tokenizer_config.json</c>. The prefix space goes before the text and, in this loader, before every line of it, so
/// that a word is the same token at the start of a query, a title or a summary line as inside a sentence: "brakes",
/// " brakes" and "Brakes" are three unrelated ids to a byte-level BPE model that has not learned otherwise.
/// </summary>
internal readonly record struct TextNormalization(bool LowerCase, bool PrefixSpace)
{
    public static TextNormalization From(TokenizerConfig config) =>
        new(config.Flag("do_lower_case") ?? false, config.Flag("add_prefix_space") ?? false);

    public string Apply(string text)
    {
        if (LowerCase)
            text = text.ToLowerInvariant();
        if (!PrefixSpace)
            return text;
        var normalized = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            var lineStart = i == 0 || text[i - 1] is '\n' or '\r';
            if (lineStart && !char.IsWhiteSpace(text[i]))
                normalized.Append(' ');
            normalized.Append(text[i]);
        }
        return normalized.ToString();
    }
}
