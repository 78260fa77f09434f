namespace RankDistill.TaskHub.Sqlite;

/// <summary>What one look for work found: an item, or nothing and when something becomes visible (UTC ticks).</summary>
internal readonly record struct Attempt<T>(T? Item, long? NextVisibleAt)
    where T : class;

/// <summary>
/// The waiting half of <c>LockNext…</c>: look, and when nothing is there wait for this process's signal, the
/// earliest known future item (a durable timer, an expiring lock), or a back-off that grows from a few
/// milliseconds to <see cref="SqliteOrchestrationServiceOptions.PollInterval"/> (other processes' work).
/// </summary>
internal sealed class IdlePoller(TimeSpan pollInterval, TimeProvider time)
{
    private static readonly TimeSpan _firstBackoff = TimeSpan.FromMilliseconds(5);

    /// <returns>The item, or null when <paramref name="receiveTimeout"/> passes or the worker stops.</returns>
    public async Task<T?> PollAsync<T>(WorkSignal signal, Func<Task<Attempt<T>>> look, TimeSpan receiveTimeout, CancellationToken cancellationToken)
        where T : class
    {
        var started = time.GetTimestamp();
        var backoff = _firstBackoff < pollInterval ? _firstBackoff : pollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            var attempt = await look();
            if (attempt.Item is not null)
                return attempt.Item;
            var remaining = receiveTimeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
                return null;
            var delay = Min(backoff, remaining);
            if (attempt.NextVisibleAt is { } next)
                delay = Min(delay, TimeSpan.FromTicks(Math.Max(next - time.GetUtcNow().UtcTicks, TimeSpan.TicksPerMillisecond)));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(wake, Task.Delay(delay, time, stop.Token));
            // Frees the timer when the signal won.
            await stop.CancelAsync();
            backoff = Min(backoff * 2, pollInterval);
        }
        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
