namespace RankDistill.Durable;

/// <summary>
/// Retries of a failed call, waiting <c>FirstRetryInterval * BackoffCoefficient^(attempt-1)</c>
/// (capped by <see cref="MaxRetryInterval"/>) between attempts. The waits are durable timers: they
/// survive restarts and show in the history.
/// </summary>
public sealed record RetryPolicy
{
    /// <param name="maxAttempts">Attempts in total, the first included (at least 1).</param>
    /// <param name="firstRetryInterval">Wait before the second attempt.</param>
    /// <param name="backoffCoefficient">Factor applied to the wait after each failure (at least 1).</param>
    /// <param name="maxRetryInterval">Cap on a single wait; one hour when null.</param>
    /// <param name="retryTimeout">No attempt starts after this much time since the first; unbounded when null.</param>
    public RetryPolicy(int maxAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 2.0,
        TimeSpan? maxRetryInterval = null, TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        MaxAttempts = maxAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    public int MaxAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    /// <summary><see cref="Timeout.InfiniteTimeSpan"/> when unbounded.</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>
    /// Full names of exception types that are never retried (matched against
    /// <see cref="FailureDetails.ErrorType"/> and its inner failures), e.g. a validation error.
    /// </summary>
    public IReadOnlyList<string> NonRetryableErrorTypes { get; init; } = [];

    /// <summary>Adds <typeparamref name="TException"/> to <see cref="NonRetryableErrorTypes"/>.</summary>
    public RetryPolicy DoNotRetry<TException>() where TException : Exception =>
        this with { NonRetryableErrorTypes = [.. NonRetryableErrorTypes, typeof(TException).FullName!] };

    /// <summary>The wait before the next attempt, or null to give up.</summary>
    /// <param name="failedAttempt">The 1-based attempt that just failed.</param>
    /// <param name="firstAttemptAt">When the first attempt was scheduled (orchestration time).</param>
    /// <param name="now">Orchestration time now.</param>
    /// <param name="failure">What failed.</param>
    internal TimeSpan? NextDelay(int failedAttempt, DateTime firstAttemptAt, DateTime now, FailureDetails failure)
    {
        if (failedAttempt >= MaxAttempts || failure.IsPoison)
            return null;
        if (NonRetryableErrorTypes.Any(failure.IsCausedBy))
            return null;
        var factor = Math.Pow(BackoffCoefficient, failedAttempt - 1);
        var delay = TimeSpan.FromTicks((long)Math.Min(FirstRetryInterval.Ticks * factor, MaxRetryInterval.Ticks));
        if (RetryTimeout != Timeout.InfiniteTimeSpan && now + delay - firstAttemptAt > RetryTimeout)
            return null;
        return delay;
    }
}
