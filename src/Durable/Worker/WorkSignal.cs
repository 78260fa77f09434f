using System.Collections.Concurrent;

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
    private readonly ConcurrentDictionary<ITimer, byte> _timers = new();

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
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            NotifyOrchestrations();
            if (timer is not null && _timers.TryRemove(timer, out byte _))
                timer.Dispose();
        }, null, due, Timeout.InfiniteTimeSpan);
        // Kept referenced until it fires; an unreferenced timer may be collected first.
        _timers[timer] = 0;
    }

    private Pulse Queue(string queue) => _queues.GetOrAdd(queue, _ => new Pulse());
}
