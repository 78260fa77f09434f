namespace RankDistill.Workflows.Orchestrations;

/// <summary>The pipeline's and the click-log watcher's log messages (event ids 5000-5099).</summary>
internal static partial class Logs
{
    [LoggerMessage(5000, LogLevel.Information, "Drop {DropId} is complete: started pipeline {InstanceId}")]
    public static partial void PipelineStarted(this ILogger logger, string dropId, string instanceId);

    [LoggerMessage(5001, LogLevel.Debug, "Drop {DropId} already has pipeline {InstanceId} ({Status}); not started again")]
    public static partial void PipelineExists(this ILogger logger, string dropId, string instanceId, string status);

    [LoggerMessage(5002, LogLevel.Warning, "Click-log watcher: listing drops in {Store} failed; trying again in {Interval}")]
    public static partial void WatchFailed(this ILogger logger, Exception exception, string store, TimeSpan interval);

    [LoggerMessage(5003, LogLevel.Information, "Click-log watcher: watching {Store} clicklogs/ every {Interval}")]
    public static partial void WatchStarted(this ILogger logger, string store, TimeSpan interval);
}
