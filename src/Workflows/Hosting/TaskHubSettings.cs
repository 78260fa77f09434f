using RankDistill.TaskHub;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>TaskHub</c> read into <see cref="TaskHubOptions"/>. Default: a SQLite file under <c>Data:Root</c>.</summary>
internal static class TaskHubSettings
{
    public static TaskHubOptions Read(SettingReader reader, DataOptions data)
    {
        var defaults = new TaskHubOptions();
        var options = new TaskHubOptions
        {
            Kind = reader.Choice("TaskHub:Kind", TaskHubKind.Sqlite),
            Name = reader.Text("TaskHub:Name") ?? defaults.Name,
            SqlitePath = reader.FullPath("TaskHub:SqlitePath", Path.Combine(data.Root, "taskhub.db")),
            ConnectionString = reader.Text("TaskHub:ConnectionString"),
            AccountName = reader.Text("TaskHub:AccountName"),
            PartitionCount = reader.Integer("TaskHub:PartitionCount", defaults.PartitionCount, 1, 16),
            LockDuration = reader.Duration("TaskHub:LockDuration", defaults.LockDuration, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1)),
            MaxPollInterval = reader.Duration("TaskHub:MaxPollInterval", defaults.MaxPollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
        };
        foreach (var problem in options.Validate())
            reader.Fail(problem);
        return options;
    }

    public static IEnumerable<(string Key, string? Value)> Describe(TaskHubOptions options) =>
    [
        ("TaskHub:Kind", options.Kind.ToString()), ("TaskHub:Name", options.Name), ("TaskHub:SqlitePath", options.SqlitePath),
        ("TaskHub:ConnectionString", options.ConnectionString), ("TaskHub:AccountName", options.AccountName),
        ("TaskHub:PartitionCount", options.PartitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("TaskHub:LockDuration", options.LockDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        ("TaskHub:MaxPollInterval", options.MaxPollInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
