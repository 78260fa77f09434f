using System.Globalization;
using Microsoft.Extensions.Options;
using RankDistill.TaskHub;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>TaskHub</c> as the host lists it.</summary>
internal static class TaskHubSettings
{
    public static IEnumerable<(string Key, string? Value)> Describe(TaskHubOptions options) =>
    [
        ("TaskHub:Kind", options.Kind.ToString()), ("TaskHub:Name", options.Name), ("TaskHub:SqlitePath", options.SqlitePath),
        ("TaskHub:ConnectionString", options.ConnectionString), ("TaskHub:AccountName", options.AccountName),
        ("TaskHub:PartitionCount", options.PartitionCount.ToString(CultureInfo.InvariantCulture)),
        ("TaskHub:LockDuration", options.LockDuration.ToString("c", CultureInfo.InvariantCulture)),
        ("TaskHub:MaxPollInterval", options.MaxPollInterval.ToString("c", CultureInfo.InvariantCulture)),
    ];
}

/// <summary>
/// The rules of section <c>TaskHub</c>, bound to the engine's <see cref="TaskHubOptions"/>: the engine's own
/// <see cref="TaskHubOptions.Validate"/> is the one rule set. Default: a SQLite file under <c>Data:Root</c>.
/// </summary>
internal sealed class TaskHubOptionsValidator(SettingsSection<TaskHubOptions> section) : IValidateOptions<TaskHubOptions>
{
    public ValidateOptionsResult Validate(string? name, TaskHubOptions options)
    {
        var problems = section.Check();
        problems.Path("TaskHub:SqlitePath", options.SqlitePath);
        foreach (var problem in options.Validate())
            problems.Fail(problem);
        return problems.Result();
    }
}
