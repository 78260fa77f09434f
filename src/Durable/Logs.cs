using Microsoft.Extensions.Logging;

namespace RankDistill.Durable;

/// <summary>Every log message of the engine, with stable event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(1, LogLevel.Information, "Durable task worker {WorkerId} started: orchestrations x{Orchestrations}, queues {Queues}")]
    public static partial void WorkerStarted(this ILogger logger, string workerId, int orchestrations, string queues);

    [LoggerMessage(2, LogLevel.Information, "Durable task worker {WorkerId} stopped")]
    public static partial void WorkerStopped(this ILogger logger, string workerId);

    [LoggerMessage(3, LogLevel.Warning, "Polling {Dispatcher} failed; retrying after back-off")]
    public static partial void PollFailed(this ILogger logger, string dispatcher, Exception exception);

    [LoggerMessage(10, LogLevel.Debug, "Instance {InstanceId} ({Name}) step committed: {Status}")]
    public static partial void StepCommitted(this ILogger logger, string instanceId, string name, OrchestrationRuntimeStatus status);

    [LoggerMessage(11, LogLevel.Warning, "Instance {InstanceId}: the step could not be processed; offered again at {VisibleAt:O}")]
    public static partial void StepAbandoned(this ILogger logger, string instanceId, DateTimeOffset visibleAt, Exception exception);

    [LoggerMessage(12, LogLevel.Warning, "Instance {InstanceId}: lock lost before the step committed; another worker will run it")]
    public static partial void StepLockLost(this ILogger logger, string instanceId);

    [LoggerMessage(13, LogLevel.Warning, "Instance {InstanceId} ({Name}) failed: {Failure}")]
    public static partial void InstanceFailed(this ILogger logger, string instanceId, string name, FailureDetails failure);

    [LoggerMessage(20, LogLevel.Debug, "Activity {Name} (instance {InstanceId}, task {TaskId}, attempt {Attempt}, dispatch {DispatchCount}) started")]
    public static partial void ActivityStarted(this ILogger logger, string name, string instanceId, int taskId, int attempt, int dispatchCount);

    [LoggerMessage(21, LogLevel.Warning, "Activity {Name} (instance {InstanceId}, task {TaskId}, attempt {Attempt}) failed")]
    public static partial void ActivityFailed(this ILogger logger, string name, string instanceId, int taskId, int attempt, Exception exception);

    [LoggerMessage(22, LogLevel.Warning, "Activity {Name} (instance {InstanceId}, task {TaskId}): lease lost (terminated, or taken over after expiry); its result is dropped")]
    public static partial void ActivityLeaseLost(this ILogger logger, string name, string instanceId, int taskId);

    [LoggerMessage(23, LogLevel.Information, "Activity {Name} (instance {InstanceId}, task {TaskId}) released for another worker: this worker is stopping")]
    public static partial void ActivityReleased(this ILogger logger, string name, string instanceId, int taskId);

    [LoggerMessage(24, LogLevel.Warning, "Activity {Name} (instance {InstanceId}, task {TaskId}): renewing the lease failed; retrying")]
    public static partial void LeaseRenewFailed(this ILogger logger, string name, string instanceId, int taskId, Exception exception);

    [LoggerMessage(25, LogLevel.Warning, "Activity {Name} (instance {InstanceId}, task {TaskId}): its result could not be stored; it will be run again after its lease expires")]
    public static partial void ActivityCompleteFailed(this ILogger logger, string name, string instanceId, int taskId, Exception exception);

    [LoggerMessage(30, LogLevel.Warning, "PostgreSQL task hub: {Operation} failed before committing (attempt {Attempt}); retrying in {Delay}")]
    public static partial void PostgresRetrying(this ILogger logger, string operation, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "PostgreSQL task hub: listening on {Channel} failed; reconnecting in {Delay} (workers poll meanwhile)")]
    public static partial void ListenerReconnecting(this ILogger logger, string channel, TimeSpan delay, Exception exception);
}
