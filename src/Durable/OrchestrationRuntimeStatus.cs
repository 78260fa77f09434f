namespace RankDistill.Durable;

/// <summary>Where an orchestration instance is in its life.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Scheduled; no worker has started it yet (or its start time is in the future).</summary>
    Pending,
    Running,
    Suspended,
    Completed,
    Failed,
    Terminated,
}

/// <summary>Helpers on <see cref="OrchestrationRuntimeStatus"/>.</summary>
public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Completed, Failed or Terminated: nothing more will happen unless rewound or rescheduled.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
