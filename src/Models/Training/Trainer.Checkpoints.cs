using TorchSharp.Modules;

namespace RankDistill.Models.Training;

public sealed partial class Trainer<TModel, TExample>
{
    private const string WeightsFile = "model.safetensors";
    private const string OptimizerFile = "optimizer.bin";

    /// <summary>Writes weights, optimizer moments, trainer state and the log so far as one checkpoint, then applies retention.</summary>
    private async Task SaveAsync(AdamW optimizer, TrainerState state, LossLog log, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(_scratch, $"checkpoint-save-{state.Step:D9}");
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            CheckpointWeights.Save(Path.Combine(staging, WeightsFile), _model);
            optimizer.save_state_dict(Path.Combine(staging, OptimizerFile));
            state.Save(Path.Combine(staging, TrainerState.FileName));
            log.CopyTo(staging);
            await _checkpoints.SaveAsync(state.Step, staging, cancellationToken);
            Logs.CheckpointSaved(_logger, state.Step);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        var steps = await _checkpoints.ListStepsAsync(cancellationToken);
        foreach (var old in steps.Where(s => s != state.Step).OrderDescending().Skip(_options.KeepLastCheckpoints - 1))
            await _checkpoints.DeleteAsync(old, cancellationToken);
    }

    /// <summary>
    /// Loads the newest checkpoint that verifies into the model and optimizer; returns its state and
    /// its copy of the log. A corrupt checkpoint is logged by name and skipped for the one before.
    /// With none, returns the start state and no log.
    /// </summary>
    private async Task<(TrainerState State, string? LogCopy)> RestoreAsync(AdamW optimizer, CancellationToken cancellationToken)
    {
        var steps = await _checkpoints.ListStepsAsync(cancellationToken);
        foreach (var step in steps.OrderDescending())
        {
            var local = Path.Combine(_scratch, $"checkpoint-load-{step:D9}");
            if (Directory.Exists(local))
                Directory.Delete(local, recursive: true);
            try
            {
                await _checkpoints.LoadAsync(step, local, cancellationToken);
            }
            catch (CorruptCheckpointException ex)
            {
                Logs.CorruptCheckpointSkipped(_logger, step, ex.Message);
                Directory.Delete(local, recursive: true);
                continue;
            }

            var state = TrainerState.Load(Path.Combine(local, TrainerState.FileName));
            if (state.Seed != _options.Seed)
                throw new InvalidOperationException($"Checkpoint of step {step} was trained with seed {state.Seed}, this run has seed {_options.Seed}: the data order would differ. Use the same seed or a fresh checkpoint store.");
            CheckpointWeights.LoadInto(_model, Path.Combine(local, WeightsFile));
            optimizer.load_state_dict(Path.Combine(local, OptimizerFile));

            // The log copy stays in scratch so the caller's log file can be replaced by it; the rest goes.
            var logCopy = Path.Combine(_scratch, $"restored-{LossLog.FileName}");
            File.Copy(Path.Combine(local, LossLog.FileName), logCopy, overwrite: true);
            Directory.Delete(local, recursive: true);
            Logs.Resuming(_logger, step);
            return (state, logCopy);
        }

        if (steps.Count > 0)
            Logs.NoValidCheckpoint(_logger, steps.Count);
        else
            Logs.StartingFresh(_logger, _options.TotalSteps);
        return (TrainerState.Start(_options.Seed), null);
    }
}
