using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker.Shims;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// Runs a Microsoft.DurableTask orchestrator on DurableTask.Core's own executor (through the SDK's shims, as the
/// worker does), one episode at a time with the results a test hands it, and records the history as the orchestration
/// dispatcher writes it: <see cref="OrchestratorStartedEvent"/>, the delivered events, an event for each action, then
/// <see cref="OrchestratorCompletedEvent"/>. So retry timers and attempts come from the runtime's real retry policy.
/// </summary>
internal sealed class EpisodeRecorder(string name, ITaskOrchestrator orchestrator)
{
    private readonly List<HistoryEvent> _history = [];

    public IReadOnlyList<HistoryEvent> History => _history;

    /// <summary>Starts the orchestration with <paramref name="inputJson"/> at <paramref name="seconds"/>; returns what it scheduled.</summary>
    public IReadOnlyList<HistoryEvent> Start(string inputJson, double seconds) =>
        Episode(seconds, new ExecutionStartedEvent(-1, inputJson)
        {
            Name = name,
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" },
            Tags = new Dictionary<string, string>(),
        });

    /// <summary>Delivers <paramref name="delivered"/> in one episode at <paramref name="seconds"/>; returns the events its actions became.</summary>
    public IReadOnlyList<HistoryEvent> Episode(double seconds, params HistoryEvent[] delivered)
    {
        var state = new OrchestrationRuntimeState(_history.ToList());
        // The executor takes the orchestration's clock from this event, as a worker's does.
        state.AddEvent(new OrchestratorStartedEvent(-1) { Timestamp = CoreHistory.At(seconds) });
        foreach (var e in delivered)
        {
            e.Timestamp = CoreHistory.At(seconds);
            state.AddEvent(e);
        }
        var code = new DurableTaskShimFactory().CreateOrchestration(new TaskName(name), orchestrator);
        var result = new TaskOrchestrationExecutor(state, code, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails).Execute();
        var made = result.Actions.Select(Recorded).OfType<HistoryEvent>().ToList();
        foreach (var e in made)
        {
            e.Timestamp = CoreHistory.At(seconds);
            state.AddEvent(e);
        }
        state.AddEvent(new OrchestratorCompletedEvent(-1) { Timestamp = CoreHistory.At(seconds) });
        _history.Clear();
        _history.AddRange(state.Events);
        return made;
    }

    /// <summary>The event the dispatcher records for an action (those a test here needs).</summary>
    private static HistoryEvent? Recorded(OrchestratorAction action) => action switch
    {
        ScheduleTaskOrchestratorAction a => new TaskScheduledEvent(a.Id, a.Name ?? "", a.Version, a.Input),
        CreateTimerOrchestratorAction t => new TimerCreatedEvent(t.Id, t.FireAt),
        OrchestrationCompleteOrchestratorAction c => new ExecutionCompletedEvent(-1, c.Result, c.OrchestrationStatus, c.FailureDetails),
        _ => null,
    };
}
