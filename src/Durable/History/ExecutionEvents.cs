namespace RankDistill.Durable.History;

/// <summary>The instance starts (or starts over after continue-as-new): the first event of a history.</summary>
/// <param name="Name">The orchestrator's name.</param>
/// <param name="Input">JSON input.</param>
/// <param name="Generation">Counts executions of this instance id (continue-as-new, reuse); messages for an older generation are dropped.</param>
/// <param name="Parent">Set for a sub-orchestration: where its result goes.</param>
public sealed record ExecutionStarted(string Name, string? Input, int Generation, ParentInstance? Parent = null) : HistoryEvent;

/// <summary>A sub-orchestration's parent and the call that started it.</summary>
public sealed record ParentInstance(string InstanceId, int TaskId, int Generation);

/// <summary>Marks the start of one step (episode) of the orchestration; its timestamp is
/// <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/> for that step.</summary>
public sealed record OrchestratorStarted : HistoryEvent;

/// <summary>The orchestrator method returned (Completed) or threw (Failed).</summary>
public sealed record ExecutionCompleted(OrchestrationRuntimeStatus Status, string? Output, FailureDetails? Failure) : HistoryEvent;

/// <summary>The instance was terminated; running activities are cancelled.</summary>
public sealed record ExecutionTerminated(string? Reason) : HistoryEvent;

/// <summary>The instance was suspended: results and events are held until it is resumed.</summary>
public sealed record ExecutionSuspended(string? Reason) : HistoryEvent;

/// <summary>The instance was resumed: held results and events are delivered.</summary>
public sealed record ExecutionResumed(string? Reason) : HistoryEvent;

/// <summary>A failed instance was rewound: the listed failed calls are run again, everything else is kept.</summary>
public sealed record ExecutionRewound(string? Reason, IReadOnlyList<int>? RewoundTaskIds = null) : HistoryEvent;
