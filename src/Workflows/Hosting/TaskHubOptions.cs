namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>TaskHub</c>: the durable task engine's backend. Default: a SQLite file under <c>Data:Root</c>.</summary>
public sealed class TaskHubOptions
{
    public const string Section = "TaskHub";

    public TaskHubKind Kind { get; set; } = TaskHubKind.Sqlite;

    /// <summary>The SQLite file; default <c>&lt;Data:Root&gt;/taskhub.db</c>.</summary>
    public string SqlitePath { get; set; } = "";

    /// <summary>Npgsql connection string, needed for Postgres. Secret: printed with its password masked.</summary>
    public string? ConnectionString { get; set; }

    internal static TaskHubOptions Read(SettingReader reader, DataOptions data)
    {
        var options = new TaskHubOptions
        {
            Kind = reader.Choice("TaskHub:Kind", TaskHubKind.Sqlite),
            SqlitePath = reader.FullPath("TaskHub:SqlitePath", Path.Combine(data.Root, "taskhub.db")),
            ConnectionString = reader.Text("TaskHub:ConnectionString"),
        };
        if (options.ConnectionString is { } text && !IsKeyValueList(text))
            reader.Invalid("TaskHub:ConnectionString", text, "an Npgsql connection string like Host=localhost;Port=5432;Database=rankdistill;Username=...;Password=...");
        if (options.Kind == TaskHubKind.Postgres && options.ConnectionString is null)
            reader.Fail("TaskHub:Kind = 'Postgres' needs TaskHub:ConnectionString; it is not set");
        return options;
    }

    private static bool IsKeyValueList(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } parts
        && parts.All(p => p.IndexOf('=', StringComparison.Ordinal) > 0)
        && parts.Any(p => p.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) || p.StartsWith("Server=", StringComparison.OrdinalIgnoreCase));

    internal IEnumerable<(string Key, string? Value)> Describe() =>
        [("TaskHub:Kind", Kind.ToString()), ("TaskHub:SqlitePath", SqlitePath), ("TaskHub:ConnectionString", ConnectionString)];
}
