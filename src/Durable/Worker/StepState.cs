using RankDistill.Durable.Backends;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Worker;

/// <summary>An instance's state while one step is worked out.</summary>
internal sealed class StepState(OrchestrationWorkItem item, DateTimeOffset now)
{
    public OrchestrationWorkItem Item { get; } = item;

    public DateTimeOffset Now { get; } = now;

    public OrchestrationRuntimeStatus Status { get; set; } = item.Instance.RuntimeStatus;

    public bool Suspended { get; set; } = item.Instance.RuntimeStatus is OrchestrationRuntimeStatus.Suspended;

    public int Generation { get; set; } = item.Instance.Generation;

    /// <summary>The history the code replays over.</summary>
    public IReadOnlyList<HistoryEvent> Past { get; set; } = item.History;

    /// <summary>True when the stored history is replaced (new execution, rewind).</summary>
    public bool ReplaceHistory { get; set; }

    public ExecutionStarted? Started { get; set; } = item.History.OfType<ExecutionStarted>().FirstOrDefault();

    /// <summary>Events applied in this step, in order.</summary>
    public List<HistoryEvent> Incoming { get; } = [];

    public ExecutionTerminated? Terminate { get; set; }

    public ExecutionRewound? Rewind { get; set; }

    public string? CustomStatus { get; set; } = item.Instance.SerializedCustomStatus;

    /// <summary>Messages to send besides those the code's calls make.</summary>
    public List<OutboundMessage> Messages { get; } = [];

    /// <summary>Activities to queue besides the code's new calls (rewound ones).</summary>
    public List<NewActivityTask> Tasks { get; } = [];
}
