using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The dashboard's log messages (event ids 6000-6099): an audit line per action, and every refused request. What the
/// request brought (path, id, reasons quoting it) is escaped, so a CR/LF in it cannot forge another line.
/// </summary>
internal static partial class Logs
{
    public static void Refused(this ILogger logger, HttpContext context, string reason) =>
        logger.RequestRefused(context.Request.Method, Printable.Escape(context.Request.Path.Value ?? "/"), context.Connection.RemoteIpAddress?.ToString(),
            Printable.Escape(reason));

    public static void Audit(this ILogger logger, string action, string instanceId, HttpContext context, string outcome) =>
        logger.ActionTaken(action, Printable.Escape(instanceId), context.Connection.RemoteIpAddress?.ToString(), Printable.Escape(outcome));

    [LoggerMessage(6000, LogLevel.Information, "Dashboard action {Action} on instance {InstanceId} from {Remote}: {Outcome}")]
    private static partial void ActionTaken(this ILogger logger, string action, string instanceId, string? remote, string outcome);

    [LoggerMessage(6001, LogLevel.Warning, "Dashboard refused {Method} {Path} from {Remote}: {Reason}")]
    private static partial void RequestRefused(this ILogger logger, string method, string path, string? remote, string reason);
}
