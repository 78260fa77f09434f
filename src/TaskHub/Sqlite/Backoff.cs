namespace RankDistill.TaskHub.Sqlite;

/// <summary>How long abandoned work waits before it is handed out again: 0.1 s, doubling per earlier attempt, at most 30 s.</summary>
internal static class Backoff
{
    private static readonly long _first = TimeSpan.FromMilliseconds(100).Ticks;
    private static readonly long _last = TimeSpan.FromSeconds(30).Ticks;

    /// <summary>The back-off in ticks as a SQL expression of an attempt-count column (the shift is capped before it overflows).</summary>
    public static string Sql(string attempts) => $"MIN({_first} << MIN(MAX({attempts}, 0), 20), {_last})";
}
