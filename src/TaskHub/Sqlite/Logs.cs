using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.Extensions.Logging;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>The SQLite task hub's log messages, with stable event ids (4400-4499).</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 4400, Level = LogLevel.Information, Message = "Task hub file {File}: schema migrated from version {From} to {To}.")]
    public static partial void SchemaMigrated(ILogger logger, string file, int from, int to);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Task hub file {File}: a write transaction failed and was rolled back; its callers get the error.")]
    public static partial void WriteBatchFailed(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 4402, Level = LogLevel.Warning,
        Message = "Orchestration {InstanceId}: worker {WorkerId} lost its lock (it expired and another worker took the instance, or the instance was purged or replaced); the step's result is discarded and the lock holder runs the step again.")]
    public static partial void OrchestrationLockLost(ILogger logger, string instanceId, string workerId);

    [LoggerMessage(EventId = 4403, Level = LogLevel.Warning,
        Message = "Activity {WorkItem}: worker {WorkerId} lost its lock (it expired and another worker took the task, or the instance was purged); its result is discarded.")]
    public static partial void ActivityLockLost(ILogger logger, string workItem, string workerId);

    [LoggerMessage(EventId = 4404, Level = LogLevel.Error,
        Message = "Activity {Name} (task {TaskId} of orchestration {InstanceId}) was dispatched {Dispatches} times without completing; its task fails.")]
    public static partial void ActivityPoisoned(ILogger logger, string instanceId, string? name, int taskId, int dispatches);

    [LoggerMessage(EventId = 4405, Level = LogLevel.Information, Message = "Orchestration {InstanceId} is {Status}: its {EventType} message is discarded.")]
    public static partial void MessageToFinishedInstance(ILogger logger, string instanceId, OrchestrationStatus status, EventType eventType);

    [LoggerMessage(EventId = 4406, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} does not exist in this task hub: a {EventType} message for it is dropped.")]
    public static partial void MessageToUnknownInstance(ILogger logger, string instanceId, EventType eventType);

    [LoggerMessage(EventId = 4408, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} is {Status}, not Failed: a rewind request for it is ignored.")]
    public static partial void RewindIgnored(ILogger logger, string instanceId, string status);

    [LoggerMessage(EventId = 4407, Level = LogLevel.Warning, Message = "Orchestration {InstanceId} is still active: a new start for it is dropped.")]
    public static partial void StartRefused(ILogger logger, string instanceId);
}
