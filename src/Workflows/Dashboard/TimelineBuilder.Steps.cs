using System.Globalization;
using RankDistill.Durable;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>Turns the tracked calls into API steps, fan-outs summarised.</summary>
internal sealed partial class TimelineBuilder
{
    private static readonly string[] _openOrder = [Outcomes.Retrying, Outcomes.Waiting, Outcomes.Delayed, Outcomes.Scheduled];

    private List<TimelineStep> Steps(OpenState state)
    {
        var groups = _calls.Where(c => c.Kind != CallKind.Timer)
            .GroupBy(c => (c.Kind, c.Name, c.Episode)).Where(g => g.Count() > 1)
            .ToDictionary(g => g.First(), g => g.ToList());
        var grouped = groups.Values.SelectMany(g => g.Skip(1)).ToHashSet();
        var steps = new List<TimelineStep>();
        foreach (var call in _calls.Where(c => !grouped.Contains(c)))
            steps.Add(groups.TryGetValue(call, out var members) ? FanOut(members, state) : Step(call, state));
        return steps;
    }

    /// <summary>A summary over <paramref name="steps"/>: the largest fan-out, or else every activity step.</summary>
    public static ShardSummary? Summarise(IReadOnlyList<TimelineStep> steps)
    {
        if (steps.Where(s => s.Kind == "fanOut" && s.Shards is not null).MaxBy(s => s.Shards!.Total) is { } fanOut)
            return fanOut.Shards;
        var activities = steps.Where(s => s.Kind == "activity").ToList();
        return activities.Count == 0 ? null : Shards(string.Join(", ", activities.Select(a => a.Name).Distinct()), activities);
    }

    private TimelineStep Step(Call call, OpenState state)
    {
        var attempts = call.Attempts.Select(a => View(call, a, state)).ToList();
        var last = attempts[^1];
        var retrying = call.RetryUntil is not null && !state.InstanceEnded;
        var status = retrying ? Outcomes.Retrying : last.Outcome;
        var waits = retrying
            ? [.. call.Waits, new RetryWait(last.Attempt, last.EndedAt!.Value, call.RetryUntil!.Value, Math.Max(0, (call.RetryUntil.Value - last.EndedAt.Value).TotalSeconds))]
            : call.Waits;
        var ended = status is Outcomes.Completed or Outcomes.Failed ? last.EndedAt : null;
        var child = call.Last.ChildId;
        return new TimelineStep
        {
            Kind = call.Kind switch { CallKind.Activity => "activity", CallKind.SubOrchestration => "subOrchestration", _ => "timer" },
            Name = call.Name,
            Status = status,
            Queue = call.Queue,
            ScheduledAt = attempts[0].ScheduledAt,
            StartedAt = attempts.FirstOrDefault(a => a.StartedAt is not null)?.StartedAt,
            EndedAt = ended,
            DurationSeconds = Seconds(attempts[0].ScheduledAt, ended ?? state.OpenUntil),
            Attempts = attempts,
            RetryWaits = waits,
            Failure = last.Outcome == Outcomes.Failed ? last.Failure : null,
            Worker = attempts.LastOrDefault(a => a.Worker is not null)?.Worker,
            ChildInstanceId = child,
            Shards = child is not null && state.Children.TryGetValue(child, out var c) ? c.Shards : null,
            Waiting = Describe(call, last, status, child, state),
        };
    }

    private TimelineStep FanOut(List<Call> members, OpenState state)
    {
        var steps = members.Select(m => Step(m, state)).ToList();
        var open = steps.Select(s => s.Status).Where(s => _openOrder.Contains(s)).OrderBy(s => Array.IndexOf(_openOrder, s)).FirstOrDefault();
        var status = steps.Any(s => s.Status == Outcomes.Running) ? Outcomes.Running
            : open ?? (steps.Any(s => s.Status == Outcomes.Failed) ? Outcomes.Failed
            : steps.Any(s => s.Status == Outcomes.Cancelled) ? Outcomes.Cancelled : Outcomes.Completed);
        var ended = steps.All(s => s.EndedAt is not null) ? steps.Max(s => s.EndedAt) : null;
        var scheduled = steps.Min(s => s.ScheduledAt);
        var shards = Shards(members[0].Name, steps);
        return new TimelineStep
        {
            Kind = "fanOut",
            Name = members[0].Name,
            Status = status,
            Queue = members[0].Queue,
            ScheduledAt = scheduled,
            StartedAt = steps.Where(s => s.StartedAt is not null).Min(s => s.StartedAt),
            EndedAt = ended,
            DurationSeconds = Seconds(scheduled, ended ?? state.OpenUntil),
            Attempts = [],
            RetryWaits = [],
            Failure = steps.FirstOrDefault(s => s.Failure is not null)?.Failure,
            Shards = shards,
            Waiting = status is Outcomes.Completed or Outcomes.Failed or Outcomes.Cancelled
                ? null
                : $"{shards.Completed} of {shards.Total} done, {shards.Running} running, {shards.Waiting} waiting",
        };
    }

    private static ShardSummary Shards(string name, IReadOnlyList<TimelineStep> steps) => new(
        name,
        steps.Count,
        steps.Count(s => s.Status == Outcomes.Completed),
        steps.Count(s => s.Status == Outcomes.Failed),
        steps.Count(s => s.Status == Outcomes.Running),
        steps.Count(s => _openOrder.Contains(s.Status)),
        steps.Sum(s => Math.Max(0, s.Attempts.Count - 1)));

    private StepAttempt View(Call call, Attempt a, OpenState state)
    {
        var outcome = a.Outcome;
        var worker = a.Worker;
        var dispatches = a.Dispatches;
        if (outcome is null)
        {
            switch (call.Kind)
            {
                case CallKind.Activity when state.ActivitiesByTaskId.TryGetValue(a.TaskId, out var work):
                    outcome = work.IsLocked ? Outcomes.Running : work.VisibleAt > state.OpenUntil ? Outcomes.Delayed : Outcomes.Waiting;
                    worker = work.LockedBy ?? worker;
                    dispatches = Math.Max(dispatches, work.DispatchCount);
                    break;
                case CallKind.SubOrchestration when a.ChildId is { } id && state.Children.TryGetValue(id, out var child):
                    outcome = child.Status switch
                    {
                        OrchestrationRuntimeStatus.Pending => Outcomes.Scheduled,
                        OrchestrationRuntimeStatus.Completed => Outcomes.Completed,
                        OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => Outcomes.Failed,
                        _ => Outcomes.Running,
                    };
                    break;
                default:
                    outcome = state.InstanceEnded ? Outcomes.Cancelled : call.Kind == CallKind.Timer ? Outcomes.Waiting : Outcomes.Scheduled;
                    break;
            }
            if (state.InstanceEnded && outcome is not (Outcomes.Completed or Outcomes.Failed))
                outcome = Outcomes.Cancelled;
        }
        return new StepAttempt(a.Number, a.TaskId, a.ScheduledAt, a.StartedAt, a.EndedAt, dispatches, worker, outcome, _scrubber.Failure(a.Failure));
    }

    private static string? Describe(Call call, StepAttempt last, string status, string? child, OpenState state) => status switch
    {
        Outcomes.Waiting when call.Kind == CallKind.Timer => $"timer fires at {Time(call.FireAt)}",
        Outcomes.Waiting => $"waiting for a worker on queue '{call.Queue}' (attempt {last.Attempt}, queued {Time(last.ScheduledAt)}); not failed: no worker serving '{call.Queue}' has taken it yet",
        Outcomes.Delayed => $"queued on '{call.Queue}', offered again after a failed dispatch (dispatch {last.Dispatches})",
        Outcomes.Running when call.Kind == CallKind.SubOrchestration => $"child instance {child} running",
        Outcomes.Running => $"running on {last.Worker} (attempt {last.Attempt}, dispatch {Math.Max(1, last.Dispatches)})",
        Outcomes.Retrying => $"attempt {last.Attempt} failed; attempt {last.Attempt + 1} at {Time(call.RetryUntil)}",
        Outcomes.Scheduled => "scheduled; not yet queued",
        Outcomes.Cancelled => state.InstanceEnded ? "the instance ended before this step finished" : null,
        _ => null,
    };

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "?";

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);
}
