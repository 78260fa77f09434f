namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>Waiting for a state, never for a time: a probe asked every 50 ms until it holds, within a generous deadline.</summary>
internal static class Poll
{
    /// <param name="condition">The state waited for.</param>
    /// <param name="what">The state in words, for the failure message.</param>
    /// <param name="timeout">How long a busy machine may take.</param>
    /// <param name="giveUp">Says why waiting longer is pointless (a process exited), or null to go on waiting.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string?>? giveUp = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        while (!await condition())
        {
            if (giveUp?.Invoke() is { } reason)
                Assert.Fail($"{reason} before {what}");
            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"no {what} within {timeout}");
            }
        }
    }
}
