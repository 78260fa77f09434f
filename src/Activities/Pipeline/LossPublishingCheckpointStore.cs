using RankDistill.Activities.Storage;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// The run's checkpoint store, which also uploads the loss log each checkpoint carries to the stage's
/// <see cref="RunLayout.LossLog"/>, so that the dashboard draws the curve while the stage runs and the curve in the store
/// always matches the newest checkpoint (the steps a crash makes the trainer redo are not in it).
/// </summary>
internal sealed class LossPublishingCheckpointStore(ICheckpointStore inner, IArtifactStore store, string lossLogName) : ICheckpointStore
{
    public Task<IReadOnlyList<long>> ListStepsAsync(CancellationToken cancellationToken) => inner.ListStepsAsync(cancellationToken);

    public async Task SaveAsync(long step, string localDirectory, CancellationToken cancellationToken)
    {
        await inner.SaveAsync(step, localDirectory, cancellationToken);
        var log = Path.Combine(localDirectory, LossLog.FileName);
        if (File.Exists(log))
            await store.UploadFileAsync(lossLogName, log, cancellationToken);
    }

    public Task LoadAsync(long step, string localDirectory, CancellationToken cancellationToken) => inner.LoadAsync(step, localDirectory, cancellationToken);

    public Task DeleteAsync(long step, CancellationToken cancellationToken) => inner.DeleteAsync(step, cancellationToken);
}
