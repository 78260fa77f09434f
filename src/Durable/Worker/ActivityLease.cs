using Microsoft.Extensions.Logging;
using RankDistill.Durable.Backends;

namespace RankDistill.Durable.Worker;

/// <summary>
/// Keeps a running activity's lease: renews it every third of the lease while the worker lives,
/// writes heartbeat details (at most every <see cref="DurableTaskWorkerOptions.HeartbeatFlushInterval"/>),
/// and cancels the activity when the lease is lost (terminated, or taken over after expiry) or
/// when it stops heartbeating within its heartbeat timeout.
/// </summary>
internal sealed class ActivityLease(
    IDurableBackend backend, ActivityWorkItem item, ActivityExecutionContext context, CancellationTokenSource cancel,
    WorkSignal signal, DurableTaskWorkerOptions options, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly Pulse _beat = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Why the lease ended early; null while held.</summary>
    public LeaseEnd? End { get; private set; }

    public void Start()
    {
        context.OnHeartbeat = _beat.Set;
        // Runs inline up to its first wait: no thread hop per activity.
        _loop = LoopAsync();
    }

    private async Task LoopAsync()
    {
        var renewEvery = options.ActivityLeaseDuration / 3;
        var lastRenew = time.GetUtcNow();
        var lastFlush = DateTimeOffset.MinValue;
        while (!_stop.IsCancellationRequested)
        {
            var beat = _beat.Arm();
            var cancellations = signal.ArmCancellations();
            var now = time.GetUtcNow();
            var wait = lastRenew + renewEvery - now;
            if (item.HeartbeatTimeout is { } timeout)
                wait = Min(wait, context.LastHeartbeatAt + timeout - now);
            if (context.HasUnsavedDetails)
                wait = Min(wait, lastFlush + options.HeartbeatFlushInterval - now);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.WhenAny(beat, cancellations, Task.Delay(wait, time, _stop.Token));
                }
                catch (OperationCanceledException)
                {
                }
            }
            if (_stop.IsCancellationRequested)
                return;
            now = time.GetUtcNow();
            if (item.HeartbeatTimeout is { } limit && now - context.LastHeartbeatAt >= limit)
            {
                Stop(LeaseEnd.HeartbeatTimedOut);
                return;
            }
            var flush = context.HasUnsavedDetails && now - lastFlush >= options.HeartbeatFlushInterval;
            if (!flush && !cancellations.IsCompleted && now < lastRenew + renewEvery)
                continue;
            var update = flush ? context.TakeUnsaved() : null;
            try
            {
                if (!await backend.RenewActivityLockAsync(item, now + options.ActivityLeaseDuration, update, _stop.Token))
                {
                    Stop(LeaseEnd.Lost);
                    return;
                }
                lastRenew = now;
                if (update is not null)
                    lastFlush = now;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LeaseRenewFailed(item.Name, item.InstanceId, item.TaskId, e);
                lastRenew = now - renewEvery + TimeSpan.FromSeconds(1); // try again in a second
            }
        }
    }

    private void Stop(LeaseEnd end)
    {
        End = end;
        cancel.Cancel();
    }

    /// <summary>Stops renewing; writes unsaved heartbeat details when <paramref name="flush"/> (the item
    /// goes to another worker, which should see them).</summary>
    public async Task StopAsync(bool flush)
    {
        await _stop.CancelAsync();
        await _loop;
        if (flush && End is null && context.TakeUnsaved() is { } update)
            await backend.RenewActivityLockAsync(item, time.GetUtcNow() + options.ActivityLeaseDuration, update, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(flush: false);
        _stop.Dispose();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

internal enum LeaseEnd
{
    Lost,
    HeartbeatTimedOut,
}
