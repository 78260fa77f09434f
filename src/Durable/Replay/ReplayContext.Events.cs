using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>External events: buffered until waited for, first in first out per name (names
/// compare case-insensitively).</summary>
internal sealed partial class ReplayContext
{
    private readonly List<EventRaised> _received = [];
    private readonly List<(string Name, TaskCompletionSource<string?> Waiter)> _waiters = [];

    /// <summary>Events received but not yet waited for (carried over by continue-as-new).</summary>
    public IReadOnlyList<EventRaised> UnprocessedEvents => _received;

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        WaitForEvent<T>(eventName, timeout: null, cancellationToken);

    public override Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForEvent<T>(eventName, timeout, cancellationToken);

    private async Task<T> WaitForEvent<T>(string eventName, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        var index = _received.FindIndex(e => Same(e.Name, eventName));
        string? json;
        if (index >= 0)
        {
            json = _received[index].Input;
            _received.RemoveAt(index);
        }
        else
        {
            var waiter = new TaskCompletionSource<string?>();
            var entry = (eventName, waiter);
            _waiters.Add(entry);
            using var registration = cancellationToken.Register(() =>
            {
                _waiters.Remove(entry);
                waiter.TrySetCanceled(cancellationToken);
            });
            if (timeout is { } limit)
            {
                var timer = NewTimer(CurrentUtcDateTime + limit, TimerCreated.EventTimeoutPurpose).Result;
                if (await Task.WhenAny(waiter.Task, timer) == timer)
                {
                    _waiters.Remove(entry);
                    throw new TimeoutException($"Event '{eventName}' did not arrive within {limit} (instance '{InstanceId}').");
                }
            }
            json = await waiter.Task;
        }
        return (T)_converter.Deserialize(json, typeof(T), $"event '{eventName}'")!;
    }

    /// <summary>Gives an event to the oldest waiter for its name, or keeps it.</summary>
    public void Receive(EventRaised e)
    {
        var index = _waiters.FindIndex(w => Same(w.Name, e.Name));
        if (index < 0)
        {
            _received.Add(e);
            return;
        }
        var (_, waiter) = _waiters[index];
        _waiters.RemoveAt(index);
        waiter.TrySetResult(e.Input);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
