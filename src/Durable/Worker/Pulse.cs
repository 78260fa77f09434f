namespace RankDistill.Durable.Worker;

/// <summary>
/// A wake-up that is not lost: a waiter arms it before looking for work, and a <see cref="Set"/>
/// that happens after arming completes the armed task even if it came before the wait.
/// </summary>
internal sealed class Pulse
{
    private TaskCompletionSource _current = New();

    /// <summary>The task the next <see cref="Set"/> completes.</summary>
    public Task Arm()
    {
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (!current.Task.IsCompleted)
                return current.Task;
            Interlocked.CompareExchange(ref _current, New(), current);
        }
    }

    public void Set() => Volatile.Read(ref _current).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
