using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using RankDistill.Durable.Replay;

namespace RankDistill.Durable.Worker;

/// <summary>The commits a step ends with: the code's result, a termination, poison, a rewind.</summary>
internal sealed partial class OrchestrationStep
{
    /// <summary>The error type poison failures carry.</summary>
    public const string PoisonErrorType = "RankDistill.Durable.PoisonWorkItem";

    private OrchestrationCommit FromResult(StepState s, ExecutionResult result)
    {
        var messages = new List<OutboundMessage>();
        var tasks = new List<NewActivityTask>();
        var children = new List<ChildInstance>();
        foreach (var action in result.NewActions)
        {
            switch (action.Event)
            {
                case TaskScheduled t:
                    tasks.Add(new NewActivityTask(t.TaskId, t.Name, t.Queue, t.Input, t.Attempt, s.Generation, action.CarriedHeartbeat, t.HeartbeatTimeout, s.Now));
                    break;
                case TimerCreated t:
                    messages.Add(new OutboundMessage(s.Item.InstanceId, new TimerFired(t.TaskId, t.FireAt) { Timestamp = t.FireAt }, t.FireAt, s.Generation));
                    break;
                case SubOrchestrationCreated c:
                    children.Add(new ChildInstance(c.InstanceId, c.Name, s.Item.InstanceId, s.Now));
                    var parent = new ParentInstance(s.Item.InstanceId, c.TaskId, s.Generation);
                    messages.Add(new OutboundMessage(c.InstanceId, new ExecutionStarted(c.Name, c.Input, 0, parent) { Timestamp = s.Now }, s.Now));
                    break;
            }
        }
        switch (result.Outcome)
        {
            case CompletedOutcome completed:
                NotifyParent(s, new SubOrchestrationCompleted(s.Started!.Parent?.TaskId ?? 0, completed.Output));
                return Commit(s, result.NewHistory, OrchestrationRuntimeStatus.Completed, completed.Output, null, messages, cancelTasks: true, tasks, children);
            case FailedOutcome failed:
                NotifyParent(s, new SubOrchestrationFailed(s.Started!.Parent?.TaskId ?? 0, failed.Failure));
                // Running activities go on: their results are kept for a rewind.
                return Commit(s, result.NewHistory, OrchestrationRuntimeStatus.Failed, null, failed.Failure, messages, cancelTasks: false, tasks, children);
            case ContinuedAsNewOutcome again:
                // The next execution starts from a fresh history with this start message.
                var restart = new ExecutionStarted(s.Started!.Name, again.Input, 0, s.Started.Parent) { Timestamp = s.Now };
                messages.Add(new OutboundMessage(s.Item.InstanceId, restart, s.Now));
                messages.AddRange(again.CarriedEvents.Select(e => new OutboundMessage(s.Item.InstanceId, e, s.Now)));
                s.ReplaceHistory = true;
                s.Past = [];
                return Commit(s, [], OrchestrationRuntimeStatus.Running, null, null, messages, cancelTasks: true);
            default:
                var status = result.Suspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running;
                return Commit(s, result.NewHistory, status, null, null, messages, cancelTasks: false, tasks, children);
        }
    }

    private static OrchestrationCommit Terminated(StepState s)
    {
        var reason = s.Terminate!.Reason;
        var failure = new FailureDetails("RankDistill.Durable.OrchestrationTerminated",
            $"Instance '{s.Item.InstanceId}' was terminated{(reason is null ? "" : ": " + reason)}.");
        NotifyParent(s, new SubOrchestrationFailed(s.Started!.Parent?.TaskId ?? 0, failure));
        // Children still running are terminated too.
        var finished = s.Past.Concat(s.Incoming).OfType<ResultEvent>().Select(r => r.TaskId).ToHashSet();
        foreach (var child in s.Past.OfType<SubOrchestrationCreated>().Where(c => !finished.Contains(c.TaskId)))
        {
            s.Messages.Add(new OutboundMessage(child.InstanceId,
                new ExecutionTerminated($"Parent '{s.Item.InstanceId}' was terminated{(reason is null ? "" : ": " + reason)}") { Timestamp = s.Now }, s.Now));
        }
        var output = reason is null ? null : System.Text.Json.JsonSerializer.Serialize(reason);
        return Commit(s, s.Incoming, OrchestrationRuntimeStatus.Terminated, output, null, [], cancelTasks: true);
    }

    private OrchestrationCommit Poisoned(StepState s, InboxMessage poison)
    {
        var failure = new FailureDetails(PoisonErrorType,
            $"A step of instance '{s.Item.InstanceId}' ({poison.Event.GetType().Name} message) was dispatched {poison.DequeueCount} times " +
            $"without completing (limit {options.MaxDispatchCount}); the workers running it probably crashed each time. " +
            "The instance is failed; fix the cause, then rewind it.")
        { IsPoison = true };
        if (s.Started is not null)
            NotifyParent(s, new SubOrchestrationFailed(s.Started.Parent?.TaskId ?? 0, failure));
        var appended = new List<HistoryEvent> { new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failure) { Timestamp = s.Now } };
        return Commit(s, appended, OrchestrationRuntimeStatus.Failed, null, failure, [], cancelTasks: false);
    }

    /// <summary>Rewrites the history for a rewind and queues the rewound calls again.</summary>
    private static void ApplyRewind(StepState s, ExecutionRewound rewind)
    {
        var plan = Rewinder.Make(s.Past);
        foreach (var (call, failure) in plan.Rewound)
        {
            switch (call)
            {
                case TaskScheduled t:
                    var heartbeat = (failure as TaskFailed)?.LastHeartbeatDetails;
                    s.Tasks.Add(new NewActivityTask(t.TaskId, t.Name, t.Queue, t.Input, t.Attempt, s.Generation, heartbeat, t.HeartbeatTimeout, s.Now));
                    break;
                case SubOrchestrationCreated c:
                    s.Messages.Add(new OutboundMessage(c.InstanceId, new ExecutionRewound($"Parent '{s.Item.InstanceId}' was rewound") { Timestamp = s.Now }, s.Now));
                    break;
            }
        }
        s.Past = plan.History;
        s.ReplaceHistory = true;
        s.Status = OrchestrationRuntimeStatus.Running;
        s.Incoming.Insert(0, rewind with { Timestamp = s.Now, RewoundTaskIds = [.. plan.Rewound.Select(r => r.Call.TaskId)] });
    }

    private static void NotifyParent(StepState s, ResultEvent result)
    {
        if (s.Started?.Parent is { } parent)
            s.Messages.Add(new OutboundMessage(parent.InstanceId, result with { TaskId = parent.TaskId, Timestamp = s.Now }, s.Now, parent.Generation));
    }

    private static DateTimeOffset? CompletedAt(StepState s, OrchestrationRuntimeStatus status) =>
        !status.IsTerminal() ? null
        : s.Item.Instance.RuntimeStatus == status && !s.ReplaceHistory && s.Item.Instance.CompletedAt is { } earlier ? earlier
        : s.Now;

    private static OrchestrationCommit Commit(
        StepState s, IReadOnlyList<HistoryEvent> appended, OrchestrationRuntimeStatus status, string? output, FailureDetails? failure,
        IReadOnlyList<OutboundMessage> messages, bool cancelTasks, IReadOnlyList<NewActivityTask>? tasks = null, IReadOnlyList<ChildInstance>? children = null)
    {
        var instance = s.Item.Instance;
        return new OrchestrationCommit
        {
            History = s.ReplaceHistory ? [.. s.Past, .. appended] : appended,
            ReplaceHistory = s.ReplaceHistory,
            Instance = new InstanceUpdate(
                s.Started?.Name ?? instance.Name, status, s.Generation, s.Started?.Input ?? instance.SerializedInput, output, s.CustomStatus,
                failure, s.Started?.Parent?.InstanceId ?? instance.ParentInstanceId, s.Now, CompletedAt(s, status)),
            Tasks = [.. s.Tasks, .. tasks ?? []],
            Messages = [.. s.Messages, .. messages],
            Children = children ?? [],
            CancelPendingTasks = cancelTasks,
        };
    }
}
