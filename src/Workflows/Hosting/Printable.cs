using System.Globalization;
using System.Text;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Text from outside (instance ids, request paths, failure messages, custom status) made safe for a log line or a
/// terminal: a CR/LF cannot forge another line, and an escape sequence cannot retitle or clear the terminal.
/// </summary>
internal static class Printable
{
    /// <summary><paramref name="text"/> with every control character written as an escape: <c>\r</c>, <c>\n</c>, <c>\t</c>, <c>\u001b</c>.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(char.IsControl))
            return text ?? "";
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => escaped.Append(@"\r"),
                '\n' => escaped.Append(@"\n"),
                '\t' => escaped.Append(@"\t"),
                _ when char.IsControl(c) => escaped.Append(CultureInfo.InvariantCulture, $@"\u{(int)c:x4}"),
                _ => escaped.Append(c),
            };
        }
        return escaped.ToString();
    }
}
