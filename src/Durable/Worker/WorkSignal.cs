using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace RankDistill.Durable.Worker;

/// <summary>
/// In-process wake-ups: when this process enqueues work (a client schedules, a step queues
/// activities, an activity completes), the local dispatchers wake at once instead of waiting out
/// their poll back-off. Work enqueued by other processes is still found by polling.
/// </summary>
internal sealed class WorkSignal(TimeProvider time)
{
    private readonly Pulse _orchestrations = new();
    private readonly ConcurrentDictionary<string, Pulse> _queues = new(StringComparer.Ordinal);
    private readonly Pulse _instances = new();
    private readonly Pulse _cancellations = new();
    // Timers are kept referenced until they fire; an unreferenced timer may be collected first.
    private readonly ConcurrentDictionary<StrongBox<ITimer?>, byte> _timers = new();

    public Task ArmOrchestrations() => _orchestrations.Arm();

    public void NotifyOrchestrations() => _orchestrations.Set();

    public Task ArmQueue(string queue) => Queue(queue).Arm();

    public void NotifyQueue(string queue) => Queue(queue).Set();

    /// <summary>Armed by clients waiting for an instance to finish.</summary>
    public Task ArmInstanceChanges() => _instances.Arm();

    /// <summary>An instance reached a terminal status (or was rewound, or restarted).</summary>
    public void NotifyInstanceChanged() => _instances.Set();

    /// <summary>Armed by running activities' leases.</summary>
    public Task ArmCancellations() => _cancellations.Arm();

    /// <summary>A step deleted an instance's tasks (terminate, completion): local leases check
    /// theirs now instead of at their next renewal, so the activities are cancelled at once.</summary>
    public void NotifyCancellations() => _cancellations.Set();

    /// <summary>Wakes the orchestration dispatchers at <paramref name="at"/> (a timer comes due).</summary>
    public void NotifyOrchestrationsAt(DateTimeOffset at)
    {
        var due = at - time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            NotifyOrchestrations();
            return;
        }
        // The holder is registered before the timer exists, so even a timer that fires at once finds and removes it.
        var holder = new StrongBox<ITimer?>();
        _timers[holder] = 0;
        holder.Value = time.CreateTimer(_ =>
        {
            NotifyOrchestrations();
            if (_timers.TryRemove(holder, out byte _))
                holder.Value?.Dispose();
        }, null, due, Timeout.InfiniteTimeSpan);
    }

    private Pulse Queue(string queue) => _queues.GetOrAdd(queue, _ => new Pulse());
}
