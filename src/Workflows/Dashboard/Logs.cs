namespace RankDistill.Workflows.Dashboard;

/// <summary>The dashboard's log messages (event ids 6000-6099): an audit line per action, and every refused request.</summary>
internal static partial class Logs
{
    [LoggerMessage(6000, LogLevel.Information, "Dashboard action {Action} on instance {InstanceId} from {Remote}: {Outcome}")]
    public static partial void ActionTaken(this ILogger logger, string action, string instanceId, string? remote, string outcome);

    [LoggerMessage(6001, LogLevel.Warning, "Dashboard refused {Method} {Path} from {Remote}: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, string method, string path, string? remote, string reason);
}
