namespace RankDistill.Models.Training;

/// <summary>
/// Where the trainer keeps its checkpoints. A checkpoint is a set of files under a step number,
/// visible only once every file is written and listed, with its SHA-256, in a manifest written
/// last. Tests and standalone runs use a folder on disk; the pipeline adapts the artifact store.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>Steps of the checkpoints whose manifest is present, ascending. Says nothing of their content's integrity.</summary>
    Task<IReadOnlyList<long>> ListStepsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Publishes every file in <paramref name="localDirectory"/> (a flat folder) as the checkpoint of <paramref name="step"/>,
    /// with a <see cref="CheckpointManifest"/> written after every file; saving a step again replaces it.
    /// </summary>
    Task SaveAsync(long step, string localDirectory, CancellationToken cancellationToken);

    /// <summary>
    /// Copies the checkpoint of <paramref name="step"/> into <paramref name="localDirectory"/>, verifying every
    /// file against the manifest; throws <see cref="CorruptCheckpointException"/> naming the first file that differs
    /// (as `step-000000123/model.safetensors`), or the manifest when it is missing or unreadable.
    /// </summary>
    Task LoadAsync(long step, string localDirectory, CancellationToken cancellationToken);

    /// <summary>Removes a checkpoint (retention); removing one that does not exist is not an error.</summary>
    Task DeleteAsync(long step, CancellationToken cancellationToken);
}
