using RankDistill.Durable;
using RankDistill.Durable.Client;

namespace RankDistill.Workflows.Dashboard;

/// <summary>What the builder tracks per call and attempt while it reads the history.</summary>
internal sealed partial class TimelineBuilder
{
    private enum CallKind
    {
        Activity,
        SubOrchestration,
        Timer,
    }

    /// <summary>Outcome and step-status names, as the API spells them.</summary>
    internal static class Outcomes
    {
        public const string Scheduled = "scheduled";
        public const string Waiting = "waiting";
        public const string Delayed = "delayed";
        public const string Running = "running";
        public const string Retrying = "retrying";
        public const string Completed = "completed";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";
    }

    /// <summary>A child instance as its parent's timeline shows it.</summary>
    internal sealed record ChildState(OrchestrationRuntimeStatus Status, Api.ShardSummary? Shards);

    /// <summary>What open attempts are matched against.</summary>
    private sealed record OpenState(
        IReadOnlyDictionary<int, PendingWork> ActivitiesByTaskId, bool InstanceEnded, DateTimeOffset OpenUntil, IReadOnlyDictionary<string, ChildState> Children);

    private sealed class Call(CallKind kind, string name, string? queue, string? input, int episode)
    {
        public CallKind Kind { get; } = kind;

        public string Name { get; } = name;

        public string? Queue { get; } = queue;

        public string? Input { get; } = input;

        /// <summary>The orchestration step that made the first attempt: calls of one task in one step form a fan-out.</summary>
        public int Episode { get; } = episode;

        public List<Attempt> Attempts { get; } = [];

        public List<Api.RetryWait> Waits { get; } = [];

        /// <summary>Set while a retry timer runs after the last attempt failed.</summary>
        public DateTimeOffset? RetryUntil { get; set; }

        /// <summary>A user timer's fire time.</summary>
        public DateTimeOffset? FireAt { get; init; }

        public Attempt Last => Attempts[^1];
    }

    private sealed class Attempt(int number, int taskId, DateTimeOffset scheduledAt)
    {
        public int Number { get; } = number;

        public int TaskId { get; } = taskId;

        public DateTimeOffset ScheduledAt { get; } = scheduledAt;

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; private set; }

        public int Dispatches { get; set; }

        public string? Worker { get; set; }

        /// <summary>Completed or failed once the result is in the history; null while open.</summary>
        public string? Outcome { get; private set; }

        public FailureDetails? Failure { get; private set; }

        public string? ChildId { get; init; }

        public void End(DateTimeOffset at, string outcome, FailureDetails? failure)
        {
            EndedAt = at;
            Outcome = outcome;
            Failure = failure;
        }
    }
}
