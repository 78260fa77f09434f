namespace RankDistill.Durable.Tests.Crash;

/// <summary>Reads the lines the test workers append.</summary>
internal static class ExecutionLogFile
{
    public static IReadOnlyList<string> Read(string path) =>
        File.Exists(path) ? File.ReadAllLines(path) : [];

    public static int Count(string path, string prefix) => Read(path).Count(l => l.StartsWith(prefix, StringComparison.Ordinal));
}
