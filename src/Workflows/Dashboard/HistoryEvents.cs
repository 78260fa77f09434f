using DurableTask.Core.History;

namespace RankDistill.Workflows.Dashboard;

/// <summary>What the dashboard reads off any DurableTask.Core history event.</summary>
internal static class HistoryEvents
{
    /// <summary>The event's time as UTC (providers hand back UTC; one that drops the kind is read as UTC, never as local time).</summary>
    public static DateTimeOffset At(this HistoryEvent e) => Utc(e.Timestamp);

    public static DateTimeOffset Utc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <summary>
    /// The task the event belongs to: a scheduling event's own id (activity, sub-orchestration, timer), which its
    /// result, failure or firing refers back to; null for the others.
    /// </summary>
    public static int? TaskId(this HistoryEvent e) => e switch
    {
        TaskScheduledEvent or SubOrchestrationInstanceCreatedEvent or TimerCreatedEvent => e.EventId,
        TaskCompletedEvent c => c.TaskScheduledId,
        TaskFailedEvent f => f.TaskScheduledId,
        SubOrchestrationInstanceCompletedEvent c => c.TaskScheduledId,
        SubOrchestrationInstanceFailedEvent f => f.TaskScheduledId,
        TimerFiredEvent f => f.TimerId,
        _ => null,
    };
}
