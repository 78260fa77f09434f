namespace RankDistill.Durable.Tests.Support;

/// <summary>Waits for a real condition with a deadline: never a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        await WaitAsync<object>(async () => await condition() ? new object() : null, timeout, what);
    }
}
