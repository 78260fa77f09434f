using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>What one step of an orchestration produced.</summary>
/// <param name="NewHistory">Events to append: the step's start, the events it applied, its new calls, its end.</param>
/// <param name="NewActions">Calls made in this step, to turn into tasks, timers and child instances.</param>
/// <param name="Outcome">How the execution ended; null while it waits.</param>
/// <param name="CustomStatus">The custom status after the step.</param>
/// <param name="Suspended">True when the step ends suspended.</param>
internal sealed record ExecutionResult(
    IReadOnlyList<HistoryEvent> NewHistory,
    IReadOnlyList<OpenAction> NewActions,
    ExecutionOutcome? Outcome,
    string? CustomStatus,
    bool Suspended)
{
    /// <summary>The live orchestration to keep for the next step; null once it ended.</summary>
    public OrchestrationSession? Session { get; init; }
}

/// <summary>How an execution ended.</summary>
internal abstract record ExecutionOutcome;

internal sealed record CompletedOutcome(string? Output) : ExecutionOutcome;

internal sealed record FailedOutcome(FailureDetails Failure) : ExecutionOutcome;

internal sealed record ContinuedAsNewOutcome(string? Input, IReadOnlyList<EventRaised> CarriedEvents) : ExecutionOutcome;
