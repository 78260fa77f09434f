namespace RankDistill.Activities.Storage;

/// <summary>Tuning of <see cref="BlobArtifactStore"/>: container naming, memory per transfer, and retries.</summary>
public sealed class BlobArtifactStoreOptions
{
    public const int MaxContainerPrefixLength = 32;   // plus an area of at most 30 stays under the 63 of a container name

    /// <summary>
    /// Put before every container name (<c>runs</c> becomes <c>&lt;prefix&gt;runs</c>): lowercase letters, digits and
    /// hyphens, at most <see cref="MaxContainerPrefixLength"/>. Isolates tests, or several deployments in one account.
    /// </summary>
    public string ContainerPrefix { get; init; } = "";

    /// <summary>
    /// Size of a staged block, and so of each write buffer. 8 MiB: large enough for full throughput, small
    /// enough that (1 + <see cref="MaxBlocksInFlight"/>) buffers stay modest, and 50,000 blocks still reach 390 GiB.
    /// </summary>
    public int BlockSize { get; init; } = 8 << 20;

    /// <summary>Blocks uploading while the producer fills the next one (2: the network and the producer overlap).</summary>
    public int MaxBlocksInFlight { get; init; } = 2;

    /// <summary>Retries of a failed request (HTTP 408, 429, 500, 502, 503, 504 and network errors), with exponential back-off.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Delay before the first retry; doubles each time, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one request may take before it counts as failed and is retried (the SDK's default).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Whether <paramref name="prefix"/> can start container names (see <see cref="ContainerPrefix"/>).</summary>
    public static bool IsValidContainerPrefix(string prefix) =>
        prefix is not null && ArtifactName.IsContainerNamePart(prefix, 0, MaxContainerPrefixLength);

    internal void Validate()
    {
        if (!IsValidContainerPrefix(ContainerPrefix))
        {
            throw new ArgumentException(
                $"Container prefix '{ContainerPrefix}' must be at most {MaxContainerPrefixLength} lowercase letters, digits and "
                + "single hyphens, not starting with a hyphen.", nameof(ContainerPrefix));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 64 << 10, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BlockSize, 256 << 20, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlocksInFlight, 1, nameof(MaxBlocksInFlight));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NetworkTimeout, TimeSpan.Zero, nameof(NetworkTimeout));
    }
}
