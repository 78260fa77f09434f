using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>A call the orchestration code made: the event that records it, and the task that
/// completes with its result event.</summary>
internal sealed class OpenAction(ActionEvent recordedAs)
{
    private readonly TaskCompletionSource<ResultEvent> _result = new();

    public ActionEvent Event { get; } = recordedAs;

    public int TaskId => Event.TaskId;

    /// <summary>True once matched against the history (it was made in an earlier step).</summary>
    public bool Recorded { get; set; }

    /// <summary>Heartbeat details a retry carries over from the failed attempt.</summary>
    public string? CarriedHeartbeat { get; init; }

    public Task<ResultEvent> Result => _result.Task;

    public bool IsDone => _result.Task.IsCompleted;

    public void Complete(ResultEvent result) => _result.TrySetResult(result);

    /// <summary>Same kind of call to the same target; the determinism check.</summary>
    public bool Matches(ActionEvent history) => (Event, history) switch
    {
        (TaskScheduled a, TaskScheduled b) => a.Name == b.Name,
        (SubOrchestrationCreated a, SubOrchestrationCreated b) => a.Name == b.Name,
        (TimerCreated a, TimerCreated b) => a.Purpose == b.Purpose,
        _ => false,
    };
}
