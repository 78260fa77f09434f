using System.Collections.Concurrent;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Wakes this process's idle <c>LockNext…</c> calls the moment this process enqueues work, so a hand-off inside one
/// process costs no polling delay. One signal per file, hub and queue, shared by every service object in the
/// process (two workers on one hub in one process wake each other); other processes are found by polling.
/// </summary>
internal sealed class WorkSignal
{
    private static readonly ConcurrentDictionary<(string File, string Hub, string Queue), WorkSignal> _signals = new();
    private TaskCompletionSource _next = NewSource();

    public static WorkSignal For(string file, string hub, string queue) => _signals.GetOrAdd((file, hub, queue), _ => new WorkSignal());

    /// <summary>
    /// Completes at the next <see cref="Pulse"/>. Take it before looking for work: a pulse between the look and
    /// the wait is then not missed.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
