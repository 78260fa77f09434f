namespace RankDistill.Activities.Storage;

/// <summary>Tuning of <see cref="LocalArtifactStore"/>; the defaults suit a laptop and a single VM.</summary>
public sealed class LocalArtifactStoreOptions
{
    /// <summary>
    /// fsync each file before it is renamed into place, so a power cut cannot leave a committed name with
    /// missing content. On by default: checkpoints are what a crash must not lose.
    /// </summary>
    public bool FlushToDisk { get; init; } = true;

    /// <summary>
    /// Staging files older than this are left by writers that crashed, and are deleted when a store opens the
    /// folder. A day is far longer than any single write.
    /// </summary>
    public TimeSpan StaleStagingAge { get; init; } = TimeSpan.FromDays(1);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
