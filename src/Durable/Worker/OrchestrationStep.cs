using Microsoft.Extensions.DependencyInjection;
using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using RankDistill.Durable.Replay;

namespace RankDistill.Durable.Worker;

/// <summary>
/// Turns a locked instance and its new messages into one commit: reads the control messages
/// (start, terminate, suspend, resume, rewind), drops messages of other executions, detects
/// poison, then runs the orchestration code through the <see cref="OrchestrationExecutor"/>.
/// No I/O: the dispatcher loads and commits.
/// </summary>
internal sealed partial class OrchestrationStep(
    TaskRegistry registry, OrchestrationExecutor executor, OrchestrationSessionCache sessions, IServiceScopeFactory scopes, DurableTaskWorkerOptions options)
{
    /// <summary>The commit, and the live orchestration to keep once it is committed (null when none).</summary>
    public (OrchestrationCommit Commit, OrchestrationSession? Session) Process(OrchestrationWorkItem item, DateTimeOffset now)
    {
        var cached = sessions.Take(item.InstanceId, item.History);
        var state = new StepState(item, now);
        if (item.Messages.FirstOrDefault(m => m.DequeueCount > options.MaxDispatchCount) is { } poison && !state.Status.IsTerminal())
            return (Poisoned(state, poison), null);

        ReadMessages(state);
        if (state.Started is null || (state.Status.IsTerminal() && state.Rewind is null))
            return (Idle(state), null);
        if (state.Terminate is not null)
            return (Terminated(state), null);
        return Run(state, cached);
    }

    /// <summary>Scans the messages in order, applying control messages to the state.</summary>
    private static void ReadMessages(StepState s)
    {
        foreach (var message in s.Item.Messages)
        {
            if (s.Terminate is not null)
                break;
            var e = message.Event;
            if (e is ExecutionStarted start)
            {
                Start(s, start);
                continue;
            }
            if (message.Generation is { } g && g != s.Generation)
                continue;
            switch (e)
            {
                case ExecutionTerminated terminate when !s.Status.IsTerminal():
                    s.Terminate = terminate with { Timestamp = s.Now };
                    s.Incoming.Add(s.Terminate);
                    break;
                case ExecutionSuspended when s.Status is OrchestrationRuntimeStatus.Running && !s.Suspended:
                    s.Suspended = true;
                    s.Incoming.Add(e with { Timestamp = s.Now });
                    break;
                case ExecutionResumed when s.Suspended:
                    s.Suspended = false;
                    s.Incoming.Add(e with { Timestamp = s.Now });
                    break;
                case ExecutionRewound rewind when s.Status is OrchestrationRuntimeStatus.Failed:
                    s.Rewind = rewind;
                    break;
                case ExecutionTerminated or ExecutionSuspended or ExecutionResumed or ExecutionRewound:
                    break; // not applicable in this status: dropped
                default:
                    s.Incoming.Add(e);
                    break;
            }
        }
    }

    /// <summary>A start message begins a new execution unless one is running.</summary>
    private static void Start(StepState s, ExecutionStarted start)
    {
        var running = s.Started is not null && s.Status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;
        if (running)
        {
            if (start.Parent is { } parent)
            {
                s.Messages.Add(new OutboundMessage(parent.InstanceId, new SubOrchestrationFailed(parent.TaskId, new FailureDetails(
                    typeof(InstanceAlreadyExistsException).FullName!,
                    $"Sub-orchestration instance '{s.Item.InstanceId}' is already running."))
                { Timestamp = s.Now }, s.Now, parent.Generation));
            }
            return;
        }
        // Events that arrived before the start (raised early) are kept and applied after it.
        var early = s.Started is null ? s.Past.Where(e => e is EventRaised).ToList() : [];
        s.Generation = s.Item.Instance.Generation + 1;
        s.Started = start with { Generation = s.Generation, Timestamp = s.Now };
        s.ReplaceHistory |= s.Past.Count > 0;
        s.Past = [];
        s.Incoming.Clear();
        s.Incoming.Add(s.Started);
        s.Incoming.AddRange(early);
        s.Status = OrchestrationRuntimeStatus.Running;
        s.Suspended = false;
        s.CustomStatus = null;
        s.Rewind = null;
    }

    /// <summary>Runs the orchestration code over its history and the new events.</summary>
    private (OrchestrationCommit, OrchestrationSession?) Run(StepState s, OrchestrationSession? cached)
    {
        if (s.Rewind is { } rewind)
            ApplyRewind(s, rewind);
        if (cached is not null && !s.ReplaceHistory && ReferenceEquals(s.Past, s.Item.History))
        {
            var resumed = executor.Resume(cached, s.Incoming, s.Now);
            s.CustomStatus = resumed.CustomStatus ?? s.CustomStatus;
            return (FromResult(s, resumed), resumed.Session);
        }
        using var scope = scopes.CreateScope();
        if (!registry.TryCreateOrchestrator(s.Started!.Name, scope.ServiceProvider, out var orchestrator))
        {
            var failure = new FailureDetails(typeof(InvalidOperationException).FullName!,
                $"No orchestrator named '{s.Started.Name}' is registered on worker '{options.WorkerId}'. Registered: " +
                $"{string.Join(", ", registry.OrchestratorNames.Order(StringComparer.Ordinal))}.");
            var appended = s.Incoming.Append(new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failure) { Timestamp = s.Now }).ToList();
            return (Commit(s, appended, OrchestrationRuntimeStatus.Failed, output: null, failure, [], cancelTasks: false), null);
        }
        var result = executor.Execute(orchestrator, s.Item.InstanceId, s.Past, s.Incoming, s.Now);
        s.CustomStatus = result.CustomStatus ?? s.CustomStatus;
        return (FromResult(s, result), result.Session);
    }

    /// <summary>Nothing to run: not started yet (events are kept for the start), or terminal
    /// (a Failed instance keeps late results for a rewind; others drop them).</summary>
    private static OrchestrationCommit Idle(StepState s)
    {
        var keep = s.Status is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Pending;
        return Commit(s, keep ? s.Incoming : [], s.Status, s.Item.Instance.SerializedOutput, s.Item.Instance.FailureDetails, [], cancelTasks: false);
    }
}
