using System.Text.Json.Serialization;

namespace RankDistill.Durable.History;

/// <summary>
/// One fact in an orchestration's history. The history is the orchestration's only state: the
/// code is replayed over it. Stored as JSON with a <c>type</c> discriminator, so the names below
/// are a storage format: rename a record and old histories no longer read.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecutionStarted), nameof(ExecutionStarted))]
[JsonDerivedType(typeof(OrchestratorStarted), nameof(OrchestratorStarted))]
[JsonDerivedType(typeof(ExecutionCompleted), nameof(ExecutionCompleted))]
[JsonDerivedType(typeof(ExecutionTerminated), nameof(ExecutionTerminated))]
[JsonDerivedType(typeof(ExecutionSuspended), nameof(ExecutionSuspended))]
[JsonDerivedType(typeof(ExecutionResumed), nameof(ExecutionResumed))]
[JsonDerivedType(typeof(ExecutionRewound), nameof(ExecutionRewound))]
[JsonDerivedType(typeof(TaskScheduled), nameof(TaskScheduled))]
[JsonDerivedType(typeof(TaskStarted), nameof(TaskStarted))]
[JsonDerivedType(typeof(TaskCompleted), nameof(TaskCompleted))]
[JsonDerivedType(typeof(TaskFailed), nameof(TaskFailed))]
[JsonDerivedType(typeof(TimerCreated), nameof(TimerCreated))]
[JsonDerivedType(typeof(TimerFired), nameof(TimerFired))]
[JsonDerivedType(typeof(SubOrchestrationCreated), nameof(SubOrchestrationCreated))]
[JsonDerivedType(typeof(SubOrchestrationCompleted), nameof(SubOrchestrationCompleted))]
[JsonDerivedType(typeof(SubOrchestrationFailed), nameof(SubOrchestrationFailed))]
[JsonDerivedType(typeof(EventRaised), nameof(EventRaised))]
public abstract record HistoryEvent
{
    /// <summary>When the event was made (by the clock of the process that made it).</summary>
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>Events that start a call (an action of the orchestration code). Replay matches each
/// against the call the code makes with the same <see cref="TaskId"/>.</summary>
public abstract record ActionEvent(int TaskId) : HistoryEvent
{
    /// <summary>What the action is, for non-determinism messages: e.g. <c>CallActivityAsync('Train')</c>.</summary>
    [JsonIgnore]
    public abstract string Description { get; }
}

/// <summary>Events that end a call: the result of the action with <see cref="TaskId"/>.</summary>
public abstract record ResultEvent(int TaskId) : HistoryEvent;
