using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// The one form of a query used to group, dedupe and split: lower-cased (invariant culture),
/// full-width ASCII folded to ASCII ("ｃｈｅａｐ" is "cheap"), whitespace runs collapsed to one
/// space, trimmed. Case and spacing carry next to no intent in web queries, and "Cheap  Flights"
/// landing in another split than "cheap flights" would leak the test set. Punctuation is kept:
/// "c++" and "c" are different queries. Full Unicode NFKC is not applied: the app runs with
/// InvariantGlobalization, where string.Normalize leaves non-ASCII text unchanged.
/// </summary>
public static class QueryText
{
    public static string Normalize(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var builder = new StringBuilder(query.Length);
        var pendingSpace = false;
        foreach (var raw in query)
        {
            if (char.IsWhiteSpace(raw))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(char.ToLowerInvariant(FoldFullWidth(raw)));
        }
        return builder.ToString();
    }

    /// <summary>U+FF01..U+FF5E are the full-width forms of '!'..'~', typed by CJK input methods.</summary>
    private static char FoldFullWidth(char c) => c is >= '\uFF01' and <= '\uFF5E' ? (char)(c - 0xFEE0) : c;
}
