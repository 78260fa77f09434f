namespace RankDistill.TaskHub.Tests.Support;

/// <summary>Waits for a real condition with a deadline: never a fixed sleep.</summary>
public static class Eventually
{
    /// <param name="probe">The condition: a value once it holds, null until then.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="what">What is waited for, for the error.</param>
    /// <param name="interval">Between probes (20 ms unless given: a probe that queries a server may want more).</param>
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> what, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        WaitAsync(() => Task.FromResult(condition() ? new object() : null), timeout, what);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) =>
        WaitAsync(async () => await condition() ? new object() : null, timeout, what);
}
