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
    /// <param name="orchestrator">The code.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="past">The committed history; starts with <see cref="ExecutionStarted"/> unless <paramref name="incoming"/> does.</param>
    /// <param name="incoming">New events, in order.</param>
    /// <param name="now">The step's time: <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/> for new code.</param>
    public ExecutionResult Execute(ITaskOrchestrator orchestrator, string instanceId, IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> incoming, DateTimeOffset now)
    {
        var started = past.OfType<ExecutionStarted>().FirstOrDefault() ?? incoming.OfType<ExecutionStarted>().FirstOrDefault()
            ?? throw new InvalidOperationException($"Instance '{instanceId}' has no ExecutionStarted event.");
        var step = new Step(orchestrator, new ReplayContext(instanceId, started.Name, started.Generation, converter, loggers), converter);
        var appended = new List<HistoryEvent> { new OrchestratorStarted { Timestamp = now } };
        try
        {
            foreach (var e in past)
                step.Apply(e);
            step.Context.Replaying = false;
            step.Apply(appended[0]);
            foreach (var e in incoming)
            {
                appended.Add(e);
                step.Apply(e);
            }
        }
        catch (NonDeterministicOrchestrationException e)
        {
            return new ExecutionResult(appended, [], new FailedOutcome(FailureDetails.FromException(e)), step.Context.CustomStatus, false);
        }

        var outcome = step.Outcome;
        var newActions = outcome is ContinuedAsNewOutcome ? [] : step.Context.Actions.Where(a => !a.Recorded).ToList();
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
        return new ExecutionResult(appended, newActions, outcome, step.Context.CustomStatus, step.Suspended);
    }

    /// <summary>The state of one step while events are applied.</summary>
    private sealed class Step(ITaskOrchestrator orchestrator, ReplayContext context, PayloadConverter converter)
    {
        private readonly ReplayTaskScheduler _scheduler = new();
        private readonly List<HistoryEvent> _held = [];
        private Task<object?>? _run;

        public ReplayContext Context { get; } = context;

        public ExecutionOutcome? Outcome { get; private set; }

        public bool Suspended { get; private set; }

        public void Apply(HistoryEvent e)
        {
            if (Outcome is not null)
                return;
            switch (e)
            {
                case OrchestratorStarted:
                    Context.Now = e.Timestamp;
                    break;
                case ExecutionStarted started:
                    if (Context.Now == default)
                        Context.Now = e.Timestamp;
                    Start(started);
                    break;
                case ActionEvent action:
                    Context.Record(action);
                    break;
                case ExecutionSuspended:
                    Suspended = true;
                    break;
                case ExecutionResumed:
                    Suspended = false;
                    var held = _held.ToList();
                    _held.Clear();
                    foreach (var h in held)
                        Apply(h);
                    break;
                case ResultEvent or EventRaised when Suspended:
                    _held.Add(e);
                    break;
                case TaskFailed { Failure.IsPoison: true } poison:
                    // Poison fails the instance itself, not the call: retrying would crash again.
                    Outcome = new FailedOutcome(poison.Failure);
                    return;
                case ResultEvent result:
                    Context.Deliver(result);
                    break;
                case EventRaised raised:
                    Context.Receive(raised);
                    break;
            }
            _scheduler.RunUntilIdle();
            if (_run is { IsCompleted: true })
                Outcome = Finish(_run);
        }

        private void Start(ExecutionStarted started)
        {
            object? input;
            try
            {
                input = converter.Deserialize(started.Input, orchestrator.InputType, $"input of orchestration '{started.Name}'");
            }
            catch (PayloadSerializationException e)
            {
                Outcome = new FailedOutcome(FailureDetails.FromException(e));
                return;
            }
            _run = Task.Factory.StartNew(() => orchestrator.RunAsync(Context, input), CancellationToken.None, TaskCreationOptions.None, _scheduler).Unwrap();
        }

        private ExecutionOutcome Finish(Task<object?> run)
        {
            if (run.IsFaulted)
                return new FailedOutcome(FailureDetails.FromException(run.Exception!.InnerExceptions[0]));
            if (run.IsCanceled)
                return new FailedOutcome(new FailureDetails(typeof(TaskCanceledException).FullName!, $"Orchestration '{Context.Name}' was cancelled."));
            if (Context.ContinueAsNewRequested is { } again)
                return new ContinuedAsNewOutcome(again.Input, again.PreserveUnprocessedEvents ? Context.UnprocessedEvents.ToList() : []);
            try
            {
                return new CompletedOutcome(converter.Serialize(run.Result, $"output of orchestration '{Context.Name}'"));
            }
            catch (Exception e) when (e is PayloadSerializationException or PayloadTooLargeException)
            {
                return new FailedOutcome(FailureDetails.FromException(e));
            }
        }
    }
}
