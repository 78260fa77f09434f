using Microsoft.Extensions.Logging;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// What the three training activities share: the output set of a stage (<see cref="RunLayout.Model"/>) reused when it
/// is complete; a <see cref="Trainer{TModel, TExample}"/> that checkpoints into the run
/// (<see cref="RunLayout.Checkpoints"/>, so a crashed stage resumes from its newest valid checkpoint), uploads its loss
/// log at every checkpoint and at the end, publishes its progress (<see cref="StageProgressWriter"/>) and honours the activity's cancellation; and the
/// model folder published as one set with a <c>step-result.json</c> that a re-run returns.
/// </summary>
internal sealed class StageTrainer(IArtifactStore store, ILogger logger)
{
    /// <summary>
    /// Returns the stage's published model when there is a valid one; otherwise runs <paramref name="train"/>, which
    /// trains (through <see cref="TrainAsync"/>) and saves the model into the folder it is given, and publishes it.
    /// </summary>
    public async Task<TrainedModel> RunOnceAsync(
        string runId, string stage, Func<StageScratch, string, Task<TrainingResult>> train, CancellationToken cancellationToken)
    {
        var prefix = RunLayout.Model(runId, stage);
        var (done, problem) = await RunArtifacts.TryReadResultAsync<TrainedModel>(store, prefix, cancellationToken);
        if (done is not null)
        {
            Logs.StepReused(logger, stage, runId, prefix);
            return done;
        }
        if (problem is not null)
            Logs.StepOutputDamaged(logger, stage, runId, prefix, problem);

        using var scratch = StageScratch.Create(runId, stage, logger);
        var folder = scratch.Folder("model");
        // Two trainings may run at once in a process (a worker serving two gpu items): each seeds and draws torch's
        // process-wide generators only under TorchGenerators.Sync, so each gives the weights it gives alone.
        var result = await train(scratch, folder);
        var trained = new TrainedModel(prefix, result.Steps, result.FinalLoss, result.ResumedFromStep ?? 0);
        RunArtifacts.WriteResult(folder, trained);
        await store.PublishFolderAsync(prefix, folder, cancellationToken);
        Logs.StageDone(logger, stage, runId, result.FinalLoss, result.Steps, trained.ResumedFromStep, prefix);
        return trained;
    }

    /// <summary>Trains <paramref name="model"/> (already on its device, initialised from the run's seed) on the run's checkpoints.</summary>
    public async Task<TrainingResult> TrainAsync<TModel, TExample>(
        string runId, string stage, StageScratch scratch,
        TModel model, ITrainingTask<TModel, TExample> task, TrainerOptions options, IReadOnlyList<TExample> examples, CancellationToken cancellationToken)
        where TModel : TorchSharp.torch.nn.Module
    {
        var lossLog = RunLayout.LossLog(runId, stage);
        var checkpoints = new LossPublishingCheckpointStore(new ArtifactCheckpointStore(store, RunLayout.Checkpoints(runId, stage)), store, lossLog);
        Logs.StageStarting(logger, stage, runId, examples.Count, options.TotalSteps, model.GetType().Name);
        var trainer = new Trainer<TModel, TExample>(model, task, options, checkpoints, scratch.Folder("trainer"), logger);
        TrainingResult result;
        await using (var progress = new StageProgressWriter(store, runId, stage, logger))
            result = await trainer.RunAsync(examples, progress, cancellationToken);
        await store.UploadFileAsync(lossLog, result.LossLogPath, cancellationToken);
        return result;
    }

    /// <summary>The trainer's options for a stage's schedule; <paramref name="tokenBudget"/> bounds padded tokens per micro-batch.</summary>
    public static TrainerOptions Options(StageTraining schedule, long seed, int tokenBudget) => new()
    {
        TotalSteps = schedule.Steps,
        LearningRate = schedule.LearningRate,
        WarmupSteps = (long)Math.Round(schedule.Steps * schedule.WarmupFraction),
        WeightDecay = schedule.WeightDecay,
        BatchSize = schedule.BatchSize,
        TokenBudget = tokenBudget,
        CheckpointEvery = schedule.CheckpointEvery,
        Seed = seed,
    };
}
