using DurableTask.Core;

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
        public const string Running = "running";
        public const string Retrying = "retrying";
        public const string Completed = "completed";
        public const string Failed = "failed";
        public const string Cancelled = "cancelled";

        /// <summary>The open statuses, in the order a summary of several prefers them (after <see cref="Running"/>).</summary>
        public static readonly string[] Open = [Retrying, Waiting, Scheduled];

        public static bool IsEnded(string status) => status is Completed or Failed or Cancelled;
    }

    private sealed class Call(CallKind kind, string name, int episode)
    {
        public CallKind Kind { get; } = kind;

        public string Name { get; } = name;

        /// <summary>The orchestration episode that made the first attempt: calls of one activity in one episode form a fan-out.</summary>
        public int Episode { get; } = episode;

        public List<Attempt> Attempts { get; } = [];

        public List<Api.RetryWait> Waits { get; } = [];

        /// <summary>Set while a retry timer runs after the last attempt failed: when it fires.</summary>
        public DateTimeOffset? RetryAt { get; set; }

        /// <summary>A user timer's fire time.</summary>
        public DateTimeOffset? FireAt { get; init; }

        public Attempt Last => Attempts[^1];
    }

    private sealed class Attempt(int number, int taskId, DateTimeOffset scheduledAt)
    {
        public int Number { get; } = number;

        public int TaskId { get; } = taskId;

        public DateTimeOffset ScheduledAt { get; } = scheduledAt;

        public DateTimeOffset? EndedAt { get; private set; }

        /// <summary>Completed or failed once the result is in the history; null while open.</summary>
        public string? Outcome { get; private set; }

        public FailureDetails? Failure { get; private set; }

        /// <summary>For a sub-orchestration: the child's instance id.</summary>
        public string? ChildId { get; init; }

        public void End(DateTimeOffset at, string outcome, FailureDetails? failure)
        {
            EndedAt = at;
            Outcome = outcome;
            Failure = failure;
        }
    }
}
