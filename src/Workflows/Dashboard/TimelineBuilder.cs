using DurableTask.Core;
using DurableTask.Core.History;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Derives an instance's steps from the history events DurableTask.Core recorded. Each scheduled call (activity or
/// sub-orchestration) is an attempt; <see cref="RetryLinks"/> says which attempts belong to one call and which timers
/// are the waits between them, so one call with all its attempts and waits is one step. Calls of one activity made in
/// one episode (a fan-out over shards) are summarised as one step, and bookkeeping calls are folded into the step
/// before them. Open attempts take their state from <see cref="TimelineContext"/>: a GPU step from its <c>GpuStep</c>
/// instance in the gpu task hub, a sub-orchestration from its child. Pure: no I/O, no clock but the one passed in.
/// </summary>
internal sealed partial class TimelineBuilder
{
    private readonly List<Call> _calls = [];
    private readonly Dictionary<int, (Call Call, Attempt Attempt)> _byTaskId = [];
    private readonly RetryLinks _links;
    private readonly TimelineContext _context;
    private readonly SecretScrubber _scrubber;
    private int _episode;

    private TimelineBuilder(RetryLinks links, TimelineContext context, SecretScrubber scrubber) =>
        (_links, _context, _scrubber) = (links, context, scrubber);

    /// <param name="history">The instance's history, oldest first.</param>
    /// <param name="context">What the history does not say about open steps.</param>
    /// <param name="scrubber">Masks secrets in failures.</param>
    public static IReadOnlyList<TimelineStep> Build(IReadOnlyList<HistoryEvent> history, TimelineContext context, SecretScrubber scrubber)
    {
        ArgumentNullException.ThrowIfNull(history);
        var builder = new TimelineBuilder(RetryLinks.Read(history), context, scrubber);
        foreach (var e in history)
            builder.Apply(e);
        return builder.Steps();
    }

    /// <summary>Whether the history has a GPU activity without a result, i.e. whether the gpu task hub must be read for it.</summary>
    public static bool HasOpenGpuCalls(IReadOnlyList<HistoryEvent> history, TimelineContext context)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(context);
        var open = history.OfType<TaskScheduledEvent>().Where(s => s.Name is { } name && context.Routing.GpuActivities.Contains(name)).Select(s => s.EventId).ToHashSet();
        open.ExceptWith(history.Where(e => e is TaskCompletedEvent or TaskFailedEvent).Select(e => e.TaskId()!.Value));
        return open.Count > 0;
    }

    private void Apply(HistoryEvent e)
    {
        switch (e)
        {
            case OrchestratorStartedEvent:
                _episode++;
                break;
            case TaskScheduledEvent s:
                Schedule(CallKind.Activity, s.Name ?? "", s.EventId, s.At(), childId: null);
                break;
            case SubOrchestrationInstanceCreatedEvent c:
                Schedule(CallKind.SubOrchestration, c.Name ?? "", c.EventId, c.At(), c.InstanceId);
                break;
            case TaskCompletedEvent or SubOrchestrationInstanceCompletedEvent when _byTaskId.TryGetValue(e.TaskId()!.Value, out var done):
                done.Attempt.End(e.At(), Outcomes.Completed, null);
                break;
            case TaskFailedEvent f when _byTaskId.TryGetValue(f.TaskScheduledId, out var failed):
                failed.Attempt.End(f.At(), Outcomes.Failed, f.FailureDetails ?? Untyped(f.Reason, f.Details));
                break;
            case SubOrchestrationInstanceFailedEvent f when _byTaskId.TryGetValue(f.TaskScheduledId, out var failed):
                failed.Attempt.End(f.At(), Outcomes.Failed, f.FailureDetails ?? Untyped(f.Reason, f.Details));
                break;
            case TimerCreatedEvent t when _links.TryGetFailedAttempt(t.EventId, out var failedId):
                // The wait after a last attempt is no retry: the call has failed for good.
                if (!_links.IsWaitAfterLastAttempt(t.EventId) && _byTaskId.TryGetValue(failedId, out var retried) && retried.Call.Last.TaskId == failedId)
                    retried.Call.RetryAt = HistoryEvents.Utc(t.FireAt);
                break;
            case TimerCreatedEvent t when t.EventId >= 0:
                // Negative ids are the runtime's own timers (FrameworkConstants.FakeTimerIdToSplitDecision), not the orchestration's.
                var timer = new Call(CallKind.Timer, "timer", _episode) { FireAt = HistoryEvents.Utc(t.FireAt) };
                var attempt = new Attempt(1, t.EventId, t.At());
                timer.Attempts.Add(attempt);
                _calls.Add(timer);
                _byTaskId[t.EventId] = (timer, attempt);
                break;
            case TimerFiredEvent f when _links.TryGetFailedAttempt(f.TimerId, out var failedId):
                // The wait is over: the next attempt follows in this episode, or none does (the retries are exhausted).
                if (_byTaskId.TryGetValue(failedId, out var waited) && waited.Call.Last.TaskId == failedId)
                    waited.Call.RetryAt = null;
                break;
            case TimerFiredEvent f when _byTaskId.TryGetValue(f.TimerId, out var fired):
                fired.Attempt.End(f.At(), Outcomes.Completed, null);
                break;
        }
    }

    /// <summary>Records a scheduled call: the next attempt of a failed one when <see cref="RetryLinks"/> says so, else a new call.</summary>
    private void Schedule(CallKind kind, string name, int taskId, DateTimeOffset at, string? childId)
    {
        Call call;
        if (_links.TryGetPreviousAttempt(taskId, out var previousId) && _byTaskId.TryGetValue(previousId, out var previous) && previous.Call.Kind == kind)
        {
            call = previous.Call;
            var failedAt = previous.Attempt.EndedAt ?? at;
            call.Waits.Add(new RetryWait(previous.Attempt.Number, failedAt, at, Seconds(failedAt, at)));
            call.RetryAt = null;
        }
        else
        {
            call = new Call(kind, name, _episode);
            _calls.Add(call);
        }
        var attempt = new Attempt(call.Attempts.Count + 1, taskId, at) { ChildId = childId };
        call.Attempts.Add(attempt);
        _byTaskId[taskId] = (call, attempt);
    }

    /// <summary>A failure recorded without details (a provider or mode that keeps only the reason): its reason as the message.</summary>
    private static FailureDetails Untyped(string? reason, string? details) => new("(unknown)", reason ?? "", details, null, false);
}
