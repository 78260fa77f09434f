using System.Collections.Concurrent;
using System.Diagnostics;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// What test activities did, by a key unique to one test (tests run in parallel and share these static
/// activities): each entry is "what@worker"; the first entry's time is kept too.
/// </summary>
public static class ExecutionLog
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _entries = new();
    private static readonly ConcurrentDictionary<string, long> _first = new();

    public static void Record(string key, string what, string worker)
    {
        _first.TryAdd(key, Stopwatch.GetTimestamp());
        _entries.GetOrAdd(key, _ => new()).Enqueue($"{what}@{worker}");
    }

    public static IReadOnlyList<string> Entries(string key) => _entries.TryGetValue(key, out var entries) ? [.. entries] : [];

    /// <summary>When the key's first entry was recorded (a <see cref="Stopwatch"/> timestamp).</summary>
    public static long FirstAt(string key) => _first.TryGetValue(key, out var at) ? at : throw new InvalidOperationException($"nothing recorded for {key}");

    public static string NewKey() => Guid.NewGuid().ToString("N")[..12];
}
