using Microsoft.Extensions.Logging;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>
/// Runs one step of an orchestration: replays the code over its past history (matching every
/// call it makes against the recorded one), then applies the new events and collects the new
/// calls. Pure: no I/O, no clock but the one passed in, so golden histories test it directly.
/// </summary>
internal sealed class OrchestrationExecutor(PayloadConverter converter, ILoggerFactory loggers)
{
    /// <summary>Replays <paramref name="past"/> from scratch, then applies <paramref name="incoming"/>.</summary>
    /// <param name="orchestrator">The code.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="past">The committed history; starts with <see cref="ExecutionStarted"/> unless <paramref name="incoming"/> does.</param>
    /// <param name="incoming">New events, in order.</param>
    /// <param name="now">The step's time: <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/> for new code.</param>
    public ExecutionResult Execute(ITaskOrchestrator orchestrator, string instanceId, IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> incoming, DateTimeOffset now)
    {
        var started = past.OfType<ExecutionStarted>().FirstOrDefault() ?? incoming.OfType<ExecutionStarted>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Instance '{instanceId}' has no ExecutionStarted event.");
        var session = new OrchestrationSession(orchestrator, new ReplayContext(instanceId, started.Name, started.Generation, converter, loggers), converter);
        try
        {
            foreach (var e in past)
                session.Apply(e);
        }
        catch (NonDeterministicOrchestrationException e)
        {
            return NonDeterministic(session, [new OrchestratorStarted { Timestamp = now }], e);
        }
        session.Context.Replaying = false;
        return Resume(session, incoming, now);
    }

    /// <summary>Applies <paramref name="incoming"/> to a session kept from the previous step (whose
    /// new calls were committed), without replaying: the cost of a step no longer grows with its history.</summary>
    public ExecutionResult Resume(OrchestrationSession session, IReadOnlyList<HistoryEvent> incoming, DateTimeOffset now)
    {
        var appended = new List<HistoryEvent> { new OrchestratorStarted { Timestamp = now } };
        try
        {
            session.Apply(appended[0]);
            foreach (var e in incoming)
            {
                appended.Add(e);
                session.Apply(e);
            }
        }
        catch (NonDeterministicOrchestrationException e)
        {
            return NonDeterministic(session, appended, e);
        }

        var outcome = session.Outcome;
        var newActions = outcome is ContinuedAsNewOutcome ? [] : session.Context.Actions.Where(a => !a.Recorded).ToList();
        appended.AddRange(newActions.Select(a => a.Event));
        switch (outcome)
        {
            case CompletedOutcome completed:
                appended.Add(new ExecutionCompleted(OrchestrationRuntimeStatus.Completed, completed.Output, null) { Timestamp = now });
                break;
            case FailedOutcome failed:
                appended.Add(new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failed.Failure) { Timestamp = now });
                break;
        }
        return new ExecutionResult(appended, newActions, outcome, session.Context.CustomStatus, session.Suspended)
        {
            Session = outcome is null ? session : null,
        };
    }

    private static ExecutionResult NonDeterministic(OrchestrationSession session, List<HistoryEvent> appended, NonDeterministicOrchestrationException e) =>
        new(appended, [], new FailedOutcome(FailureDetails.FromException(e)), session.Context.CustomStatus, false);
}
