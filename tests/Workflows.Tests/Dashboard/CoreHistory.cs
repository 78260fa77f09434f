using DurableTask.Core;
using DurableTask.Core.History;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// Writes a history the way DurableTask.Core's orchestration dispatcher records one: each episode is
/// <see cref="OrchestratorStartedEvent"/>, the results delivered to it, what the orchestration did with them (tasks,
/// timers and children scheduled, the execution completed), then <see cref="OrchestratorCompletedEvent"/>. Times are
/// seconds after <see cref="T0"/>; an event made without a time of its own gets its episode's.
/// </summary>
internal sealed class CoreHistory
{
    public static readonly DateTime T0 = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly List<HistoryEvent> _events = [];

    public IReadOnlyList<HistoryEvent> Events => _events;

    public static DateTime At(double seconds) => T0.AddSeconds(seconds);

    public static DateTimeOffset AtOffset(double seconds) => new(At(seconds));

    /// <summary>An episode starting at <paramref name="seconds"/>: its delivered events, then its actions.</summary>
    public CoreHistory Episode(double seconds, params HistoryEvent[] events)
    {
        _events.Add(new OrchestratorStartedEvent(-1) { Timestamp = At(seconds) });
        foreach (var e in events)
        {
            if (e.Timestamp == DateTime.MinValue)
                e.Timestamp = At(seconds);
            _events.Add(e);
        }
        _events.Add(new OrchestratorCompletedEvent(-1) { Timestamp = At(seconds) });
        return this;
    }

    public static ExecutionStartedEvent Started(string name, string instanceId) => Stamp(new ExecutionStartedEvent(-1, "{}")
    {
        Name = name,
        OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId, ExecutionId = "e1" },
        Tags = new Dictionary<string, string>(),
    }, null);

    public static TaskScheduledEvent Scheduled(int id, string name, double? at = null) => Stamp(new TaskScheduledEvent(id, name, null, "[{}]"), at);

    public static TaskCompletedEvent Completed(int taskId, double at) => Stamp(new TaskCompletedEvent(-1, taskId, "{}"), at);

    public static TaskFailedEvent Failed(int taskId, double at, string type = "System.IO.IOException", string message = "disk", bool nonRetriable = false) =>
        Stamp(new TaskFailedEvent(-1, taskId, message, null, new FailureDetails(type, message, $"   at {type}.Throw()", null, nonRetriable)), at);

    public static TimerCreatedEvent Timer(int id, double fireAt) => Stamp(new TimerCreatedEvent(id, At(fireAt)), null);

    public static TimerFiredEvent Fired(int timerId, double at) => Stamp(new TimerFiredEvent(-1, At(at)) { TimerId = timerId }, at);

    public static SubOrchestrationInstanceCreatedEvent Child(int id, string name, string instanceId) =>
        Stamp(new SubOrchestrationInstanceCreatedEvent(id) { Name = name, InstanceId = instanceId, Input = "{}" }, null);

    public static SubOrchestrationInstanceCompletedEvent ChildCompleted(int taskId, double at) => Stamp(new SubOrchestrationInstanceCompletedEvent(-1, taskId, "{}"), at);

    public static ExecutionCompletedEvent Ended(OrchestrationStatus status, FailureDetails? failure = null) => Stamp(new ExecutionCompletedEvent(-1, "{}", status, failure), null);

    public static ExecutionTerminatedEvent Terminated(string reason, double at) => Stamp(new ExecutionTerminatedEvent(-1, $"\"{reason}\""), at);

    // Core stamps an event when it is made (DateTime.UtcNow); here a missing time means "the episode's".
    private static T Stamp<T>(T e, double? at)
        where T : HistoryEvent
    {
        e.Timestamp = at is { } seconds ? At(seconds) : DateTime.MinValue;
        return e;
    }
}
