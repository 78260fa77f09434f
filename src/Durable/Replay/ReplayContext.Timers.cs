using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>Durable timers.</summary>
internal sealed partial class ReplayContext
{
    public override Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default)
    {
        var timer = NewTimer(fireAtUtc, purpose: null);
        return cancellationToken.CanBeCanceled ? Cancellable(timer.Result, cancellationToken) : timer.Result;
    }

    private OpenAction NewTimer(DateTime fireAtUtc, string? purpose)
    {
        var fireAt = new DateTimeOffset(DateTime.SpecifyKind(fireAtUtc, DateTimeKind.Utc));
        return NewAction(id => new TimerCreated(id, fireAt, purpose));
    }

    private static async Task Cancellable(Task fired, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource();
        using (cancellationToken.Register(() => cancelled.TrySetCanceled(cancellationToken)))
            await await Task.WhenAny(fired, cancelled.Task);
    }
}
