using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// The one form of a query used to group, dedupe and split: Unicode NFKC (full-width and
/// compatibility characters folded), lower-cased (invariant culture), whitespace runs collapsed
/// to one space, trimmed. Case and spacing carry next to no intent in web queries, and
/// "Cheap  Flights" landing in another split than "cheap flights" would leak the test set.
/// Punctuation is kept: "c++" and "c" are different queries.
/// </summary>
public static class QueryText
{
    public static string Normalize(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var folded = query.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var builder = new StringBuilder(folded.Length);
        var pendingSpace = false;
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
