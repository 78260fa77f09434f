using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>
/// A running orchestration in memory: its context, its code's pending continuations and how it
/// ended. Built by replaying a history; kept between steps by the worker's session cache so the
/// next step only applies the new events.
/// </summary>
internal sealed class OrchestrationSession(ITaskOrchestrator orchestrator, ReplayContext context, PayloadConverter converter)
{
    private readonly ReplayTaskScheduler _scheduler = new();
    private readonly List<HistoryEvent> _held = [];
    private Task<object?>? _run;

    public ReplayContext Context { get; } = context;

    public ExecutionOutcome? Outcome { get; private set; }

    public bool Suspended { get; private set; }

    /// <summary>The calls made in the last step are now in the committed history.</summary>
    public void MarkCommitted()
    {
        foreach (var action in Context.Actions)
            action.Recorded = true;
    }

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
