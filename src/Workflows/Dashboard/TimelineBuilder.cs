using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Derives an instance's steps from its history and pending work. Each activity call becomes one step with all its
/// attempts: attempt n+1 is the <see cref="TaskScheduled"/> of the same activity and input with
/// <c>Attempt = n + 1</c>, and the gap after a failure is its retry wait (a <c>retry</c> timer). Calls of one task made
/// in the same orchestration step (a fan-out over shards) are summarised as one step. Open attempts take their state
/// from the pending work: locked (running on a worker), visible and unlocked (waiting for a worker of its queue), or
/// delayed.
/// </summary>
internal sealed partial class TimelineBuilder
{
    private readonly List<Call> _calls = [];
    private readonly Dictionary<int, (Call Call, Attempt Attempt)> _byTaskId = [];
    private readonly HashSet<int> _retryTimers = [];
    private readonly SecretScrubber _scrubber;
    private int _episode;

    private TimelineBuilder(SecretScrubber scrubber) => _scrubber = scrubber;

    /// <param name="history">The instance's history, oldest first.</param>
    /// <param name="pending">Its pending work.</param>
    /// <param name="instanceEnded">Whether the instance is Completed, Failed or Terminated (open calls are then cancelled).</param>
    /// <param name="openUntil">Where open steps end for their duration: now, or the instance's end.</param>
    /// <param name="children">Each child instance's status and shard summary, by child id.</param>
    /// <param name="scrubber">Masks secrets in failures.</param>
    public static IReadOnlyList<TimelineStep> Build(
        IReadOnlyList<HistoryEvent> history, IReadOnlyList<PendingWork> pending, bool instanceEnded, DateTimeOffset openUntil,
        IReadOnlyDictionary<string, ChildState> children, SecretScrubber scrubber)
    {
        var builder = new TimelineBuilder(scrubber);
        foreach (var e in history)
            builder.Apply(e);
        var context = new OpenState(pending.Where(p => p.Kind == PendingWorkKind.Activity && p.TaskId is not null)
            .GroupBy(p => p.TaskId!.Value).ToDictionary(g => g.Key, g => g.Last()), instanceEnded, openUntil, children);
        return builder.Steps(context);
    }

    private void Apply(HistoryEvent e)
    {
        switch (e)
        {
            case OrchestratorStarted:
                _episode++;
                break;
            case TaskScheduled s:
                Schedule(CallKind.Activity, s.Name, s.Queue, s.Input, s.TaskId, s.Timestamp, s.Attempt > 1 ? s.Attempt : null, null);
                break;
            case SubOrchestrationCreated c:
                Schedule(CallKind.SubOrchestration, c.Name, null, c.Input, c.TaskId, c.Timestamp, 0, c.InstanceId);
                break;
            case TaskStarted t when _byTaskId.TryGetValue(t.TaskId, out var started):
                started.Attempt.StartedAt ??= t.Timestamp;
                started.Attempt.Dispatches = Math.Max(started.Attempt.Dispatches, t.DispatchCount);
                started.Attempt.Worker = t.WorkerId;
                break;
            case TaskCompleted or SubOrchestrationCompleted when _byTaskId.TryGetValue(((ResultEvent)e).TaskId, out var done):
                done.Attempt.End(e.Timestamp, Outcomes.Completed, null);
                break;
            case TaskFailed f when _byTaskId.TryGetValue(f.TaskId, out var failed):
                failed.Attempt.End(f.Timestamp, Outcomes.Failed, f.Failure);
                break;
            case SubOrchestrationFailed f when _byTaskId.TryGetValue(f.TaskId, out var failed):
                failed.Attempt.End(f.Timestamp, Outcomes.Failed, f.Failure);
                break;
            case TimerCreated { Purpose: TimerCreated.RetryPurpose } r:
                _retryTimers.Add(r.TaskId);
                // The call this retry belongs to: the one that failed last and has no retry planned yet.
                if (_calls.Where(c => c.Last.Outcome == Outcomes.Failed && c.RetryUntil is null).MaxBy(c => c.Last.EndedAt) is { } call)
                    call.RetryUntil = r.FireAt;
                break;
            case TimerCreated { Purpose: null } t:
                var timer = new Call(CallKind.Timer, "timer", null, null, _episode) { FireAt = t.FireAt };
                var attempt = new Attempt(1, t.TaskId, t.Timestamp);
                timer.Attempts.Add(attempt);
                _calls.Add(timer);
                _byTaskId[t.TaskId] = (timer, attempt);
                break;
            case TimerFired f when !_retryTimers.Contains(f.TaskId) && _byTaskId.TryGetValue(f.TaskId, out var fired):
                fired.Attempt.End(f.Timestamp, Outcomes.Completed, null);
                break;
        }
    }

    /// <summary>
    /// Records a call: a new one, or the next attempt of a failed one. <paramref name="retryAttempt"/> is the attempt
    /// number of an activity retry, 0 for a sub-orchestration (a retry when it repeats a failed call that has a retry
    /// timer), null for an activity's first attempt.
    /// </summary>
    private void Schedule(CallKind kind, string name, string? queue, string? input, int taskId, DateTimeOffset at, int? retryAttempt, string? childId)
    {
        var previous = retryAttempt is null ? null : _calls.LastOrDefault(c =>
            c.Kind == kind && c.Name == name && c.Input == input && c.Last.Outcome == Outcomes.Failed
            && (retryAttempt == 0 ? c.RetryUntil is not null : c.Last.Number == retryAttempt - 1));
        var call = previous ?? new Call(kind, name, queue, input, _episode);
        if (previous is null)
        {
            _calls.Add(call);
        }
        else
        {
            call.Waits.Add(new RetryWait(previous.Last.Number, previous.Last.EndedAt!.Value, at, Math.Max(0, (at - previous.Last.EndedAt.Value).TotalSeconds)));
            call.RetryUntil = null;
        }
        var number = previous is null ? (retryAttempt is > 1 ? retryAttempt.Value : 1) : previous.Last.Number + 1;
        var attempt = new Attempt(number, taskId, at) { ChildId = childId };
        call.Attempts.Add(attempt);
        _byTaskId[taskId] = (call, attempt);
    }
}
