namespace RankDistill.Workflows.Orchestrations;

/// <summary>The pipeline's and the click-log watcher's log messages (event ids 5200-5299; the activities use the 5000s and 5100s).</summary>
internal static partial class Logs
{
    [LoggerMessage(5200, LogLevel.Information, "Drop {DropId} is complete: started pipeline {InstanceId}")]
    public static partial void PipelineStarted(this ILogger logger, string dropId, string instanceId);

    [LoggerMessage(5201, LogLevel.Debug, "Drop {DropId} already has pipeline {InstanceId} ({Status}); not started again")]
    public static partial void PipelineExists(this ILogger logger, string dropId, string instanceId, string status);

    [LoggerMessage(5202, LogLevel.Warning, "Click-log watcher: listing drops in {Store} failed; trying again in {Interval}")]
    public static partial void WatchFailed(this ILogger logger, Exception exception, string store, TimeSpan interval);

    [LoggerMessage(5203, LogLevel.Information, "Click-log watcher: watching {Store} clicklogs/ every {Interval}")]
    public static partial void WatchStarted(this ILogger logger, string store, TimeSpan interval);
}
