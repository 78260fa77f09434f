using DurableTask.Core;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>An orchestration work item and what fences its completion: the lock token and the inbox rows it delivered.</summary>
internal sealed class SqliteOrchestrationWorkItem : TaskOrchestrationWorkItem
{
    public required string LockToken { get; init; }

    /// <summary>The inbox rows handed over; completion deletes exactly these, never messages that arrived meanwhile.</summary>
    public required IReadOnlyList<long> MessageIds { get; init; }

    /// <summary>The execution and event count of the history as loaded: completion appends to it or, if the
    /// execution changed (continue-as-new, rewind), replaces it.</summary>
    public required string? LoadedExecutionId { get; init; }

    public required int LoadedEventCount { get; init; }

    /// <summary>Completed or abandoned: the lock is already released, so release need not write.</summary>
    public bool Settled { get; set; }
}

/// <summary>An activity work item and the lock token that fences its renewal and completion.</summary>
internal sealed class SqliteActivityWorkItem : TaskActivityWorkItem
{
    public required long TaskRowId { get; init; }

    public required string LockToken { get; init; }
}
