namespace RankDistill.Activities.Data;

/// <summary>
/// Reasons read "kind: detail" ("position is not an integer: 'x'", "invalid JSON: column 7 ...");
/// counts group by the kind so that every bad value does not make its own bucket.
/// </summary>
public static class RejectionReasons
{
    public static string KindOf(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? reason : reason[..colon];
    }
}
