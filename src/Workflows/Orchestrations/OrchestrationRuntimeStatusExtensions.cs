using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Orchestrations;

public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Completed, Failed or Terminated: the instance will not run again unless rewound or restarted.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
