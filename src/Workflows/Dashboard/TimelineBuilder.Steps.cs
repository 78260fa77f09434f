using System.Globalization;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Gpu;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Dashboard;

/// <summary>Turns the tracked calls into API steps: fan-outs summarised, bookkeeping folded, open attempts given a state.</summary>
internal sealed partial class TimelineBuilder
{
    /// <summary>Calls that record a step rather than do one: shown on the step before them.</summary>
    private static readonly HashSet<string> _bookkeeping = new(StringComparer.Ordinal) { nameof(WriteRunManifest) };

    /// <summary>A summary over <paramref name="steps"/>: the largest fan-out, or else every activity step.</summary>
    public static ShardSummary? Summarise(IReadOnlyList<TimelineStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Where(s => s.Kind == "fanOut" && s.Shards is not null).MaxBy(s => s.Shards!.Total) is { } fanOut)
            return fanOut.Shards;
        var activities = steps.Where(s => s.Kind == "activity").ToList();
        return activities.Count == 0 ? null : Shards(string.Join(", ", activities.Select(a => a.Name).Distinct()), activities);
    }

    private List<TimelineStep> Steps()
    {
        // A fan-out: several calls of one task made in one episode. Bookkeeping calls never form one: they are folded.
        var fanOutOf = _calls.Where(c => c.Kind != CallKind.Timer && !_bookkeeping.Contains(c.Name))
            .GroupBy(c => (c.Kind, c.Name, c.Episode)).Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(c => (Call: c, g.Key))).ToDictionary(x => x.Call, x => x.Key);
        var units = new List<Unit>();
        var fanOuts = new Dictionary<(CallKind, string, int), Unit>();
        foreach (var call in _calls)
        {
            if (_bookkeeping.Contains(call.Name) && units.Count > 0)
            {
                units[^1].Bookkeeping.Add(call);
            }
            else if (fanOutOf.TryGetValue(call, out var key))
            {
                if (!fanOuts.TryGetValue(key, out var unit))
                    units.Add(fanOuts[key] = unit = new Unit());
                unit.Members.Add(call);
            }
            else
            {
                units.Add(new Unit { Members = { call } });
            }
        }
        return [.. units.Select(u => u.Members.Count > 1 ? FanOut(u) : Step(u.Members[0], u.Bookkeeping))];
    }

    private TimelineStep Step(Call call, IReadOnlyList<Call> bookkeeping)
    {
        var attempts = call.Attempts.Select(a => View(call, a)).ToList();
        var last = attempts[^1];
        var retrying = call.RetryAt is not null && last.Outcome == Outcomes.Failed && !_context.InstanceEnded;
        var status = retrying ? Outcomes.Retrying : last.Outcome;
        var waits = retrying
            ? [.. call.Waits, new RetryWait(last.Attempt, last.EndedAt!.Value, call.RetryAt!.Value, Seconds(last.EndedAt.Value, call.RetryAt.Value))]
            : call.Waits;
        var child = call.Last.ChildId;
        var own = new TimelineStep
        {
            Kind = call.Kind switch { CallKind.Activity => "activity", CallKind.SubOrchestration => "subOrchestration", _ => "timer" },
            Name = call.Name,
            Status = status,
            Queue = call.Kind == CallKind.Activity ? _context.Routing.QueueOf(call.Name) : null,
            ScheduledAt = attempts[0].ScheduledAt,
            EndedAt = status is Outcomes.Completed or Outcomes.Failed ? last.EndedAt : null,
            DurationSeconds = 0,
            Attempts = attempts,
            RetryWaits = waits,
            Failure = status == Outcomes.Failed ? last.Failure : null,
            ChildInstanceId = child,
            Shards = child is not null && _context.Children.TryGetValue(child, out var c) ? c.Shards : null,
            Bookkeeping = [],
            Waiting = Describe(call, last, status, child),
        };
        return Fold(own, bookkeeping);
    }

    private TimelineStep FanOut(Unit unit)
    {
        var steps = unit.Members.Select(m => Step(m, [])).ToList();
        var open = steps.Select(s => s.Status).Where(s => Outcomes.Open.Contains(s)).OrderBy(s => Array.IndexOf(Outcomes.Open, s)).FirstOrDefault();
        var status = steps.Any(s => s.Status == Outcomes.Running) ? Outcomes.Running
            : open ?? (steps.Any(s => s.Status == Outcomes.Failed) ? Outcomes.Failed
            : steps.Any(s => s.Status == Outcomes.Cancelled) ? Outcomes.Cancelled : Outcomes.Completed);
        var shards = Shards(unit.Members[0].Name, steps);
        var own = new TimelineStep
        {
            Kind = "fanOut",
            Name = unit.Members[0].Name,
            Status = status,
            Queue = steps[0].Queue,
            ScheduledAt = steps.Min(s => s.ScheduledAt),
            EndedAt = status is Outcomes.Completed or Outcomes.Failed && steps.All(s => s.EndedAt is not null) ? steps.Max(s => s.EndedAt) : null,
            DurationSeconds = 0,
            Attempts = [],
            RetryWaits = [],
            Failure = steps.FirstOrDefault(s => s.Failure is not null)?.Failure,
            Shards = shards,
            Bookkeeping = [],
            Waiting = Outcomes.IsEnded(status) ? null : $"{shards.Completed} of {shards.Total} done, {shards.Running} running, {shards.Waiting} waiting",
        };
        return Fold(own, unit.Bookkeeping);
    }

    /// <summary>
    /// The step with its bookkeeping calls: once its own work is done, it is done when they are, failed when one of
    /// them failed for good, and otherwise in the state of the first still open.
    /// </summary>
    private TimelineStep Fold(TimelineStep own, IReadOnlyList<Call> bookkeeping)
    {
        var books = bookkeeping.Select(b => Step(b, [])).ToList();
        var step = own with { Bookkeeping = [.. books.Select(b => new BookkeepingCall(b.Name, b.Status, b.Attempts.Count, b.Failure))] };
        if (own.Status == Outcomes.Completed)
        {
            if (books.FirstOrDefault(b => b.Status == Outcomes.Failed) is { } failed)
                step = step with { Status = Outcomes.Failed, Failure = failed.Failure, EndedAt = failed.EndedAt };
            else if (books.FirstOrDefault(b => !Outcomes.IsEnded(b.Status) || b.Status == Outcomes.Cancelled) is { } open)
                step = step with { Status = open.Status, EndedAt = null, Waiting = $"recording the step, {open.Name}: {open.Waiting}" };
            else if (books.Count > 0)
                step = step with { EndedAt = books.Max(b => b.EndedAt) };
        }
        return step with { DurationSeconds = Seconds(step.ScheduledAt, step.EndedAt ?? _context.OpenUntil) };
    }

    private static ShardSummary Shards(string name, IReadOnlyList<TimelineStep> steps) => new(
        name,
        steps.Count,
        steps.Count(s => s.Status == Outcomes.Completed),
        steps.Count(s => s.Status == Outcomes.Failed),
        steps.Count(s => s.Status == Outcomes.Running),
        steps.Count(s => Outcomes.Open.Contains(s.Status)),
        steps.Sum(s => Math.Max(0, s.Attempts.Count - 1)));

    private StepAttempt View(Call call, Attempt a)
    {
        var outcome = a.Outcome ?? call.Kind switch
        {
            CallKind.Activity when IsGpu(call) => GpuStepStatus(a) is null or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended
                ? Outcomes.Waiting
                : Outcomes.Running,
            CallKind.Activity => Outcomes.Scheduled,
            CallKind.SubOrchestration when a.ChildId is { } id && _context.Children.TryGetValue(id, out var child) => child.Status switch
            {
                OrchestrationRuntimeStatus.Pending => Outcomes.Scheduled,
                OrchestrationRuntimeStatus.Completed => Outcomes.Completed,
                OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => Outcomes.Failed,
                _ => Outcomes.Running,
            },
            CallKind.SubOrchestration => Outcomes.Scheduled,
            _ => Outcomes.Waiting,
        };
        if (_context.InstanceEnded && outcome is not (Outcomes.Completed or Outcomes.Failed))
            outcome = Outcomes.Cancelled;
        return new StepAttempt(a.Number, a.TaskId, a.ScheduledAt, a.EndedAt, outcome, _scrubber.Failure(a.Failure));
    }

    private bool IsGpu(Call call) => call.Kind == CallKind.Activity && _context.Routing.GpuActivities.Contains(call.Name);

    /// <summary>The attempt's <see cref="GpuStep"/> in the gpu task hub: null when it has not reached it.</summary>
    private OrchestrationRuntimeStatus? GpuStepStatus(Attempt a) =>
        _context.GpuSteps.TryGetValue(GpuStep.InstanceIdFor(_context.InstanceId, a.TaskId), out var status) ? status : null;

    private string? Describe(Call call, StepAttempt last, string status, string? child) => status switch
    {
        Outcomes.Waiting when call.Kind == CallKind.Timer => $"timer fires at {Time(call.FireAt)}",
        Outcomes.Waiting when GpuStepStatus(call.Last) == OrchestrationRuntimeStatus.Suspended =>
            $"its GPU step {GpuStep.InstanceIdFor(_context.InstanceId, last.TaskId)} is suspended in the gpu task hub (attempt {last.Attempt})",
        Outcomes.Waiting => $"waiting for a GPU worker (attempt {last.Attempt}, scheduled {Time(last.ScheduledAt)}); not failed: no worker serving the gpu queue has taken it yet",
        Outcomes.Running when call.Kind == CallKind.SubOrchestration => $"child instance {child} running",
        Outcomes.Running => $"running on a GPU worker (attempt {last.Attempt}, GPU step {GpuStep.InstanceIdFor(_context.InstanceId, last.TaskId)})",
        Outcomes.Scheduled when call.Kind == CallKind.SubOrchestration => $"child instance {child} not started yet",
        Outcomes.Scheduled => $"running or queued on the default queue (attempt {last.Attempt}, scheduled {Time(last.ScheduledAt)}); the task hub does not say which",
        Outcomes.Retrying => $"attempt {last.Attempt} failed; attempt {last.Attempt + 1} at {Time(call.RetryAt)}",
        Outcomes.Cancelled => "the instance ended before this step finished",
        _ => null,
    };

    private static string Time(DateTimeOffset? at) => at?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "?";

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (to - from).TotalSeconds);

    /// <summary>One step in the making: one call, or the calls of a fan-out, and the bookkeeping calls made after it.</summary>
    private sealed class Unit
    {
        public List<Call> Members { get; } = [];

        public List<Call> Bookkeeping { get; } = [];
    }
}
