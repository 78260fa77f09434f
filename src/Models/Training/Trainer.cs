using Microsoft.Extensions.Logging;
using RankDistill.Models.Batching;
using RankDistill.Models.Devices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// The training loop of every stage (CPT, SFT, distillation), nanoGPT-style: AdamW, warm-up then
/// decay, gradient accumulation and clipping, length-bucketed batches, an evaluation hook, a JSONL
/// log, and checkpoints from which a run resumes to the same weights it would have reached unbroken.
/// </summary>
/// <remarks>
/// Determinism: the data order comes from <see cref="TrainerOptions.Seed"/>; torch's generators
/// (dropout) are reseeded from (seed, step) before every update, so the RNG state needs no saving and
/// CUDA, whose generator state TorchSharp does not expose, resumes exactly too. The generators are
/// process-wide, so each update reseeds and draws under <see cref="TorchGenerators.Sync"/>: trainings
/// may share a process. The model's initial weights are the caller's: build it with
/// <see cref="TorchGenerators.Seeded{T}"/>.
/// </remarks>
public sealed partial class Trainer<TModel, TExample>
    where TModel : nn.Module
{
    private readonly TModel _model;
    private readonly ITrainingTask<TModel, TExample> _task;
    private readonly TrainerOptions _options;
    private readonly ICheckpointStore _checkpoints;
    private readonly string _scratch;
    private readonly ILogger _logger;

    /// <summary>
    /// <paramref name="model"/> must already be on its device; its parameters are trained in place.
    /// <paramref name="scratchDirectory"/> is a local folder for the log and checkpoint staging.
    /// </summary>
    public Trainer(TModel model, ITrainingTask<TModel, TExample> task, TrainerOptions options, ICheckpointStore checkpoints, string scratchDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _task = task ?? throw new ArgumentNullException(nameof(task));
        _options = options;
        _checkpoints = checkpoints ?? throw new ArgumentNullException(nameof(checkpoints));
        _scratch = Path.GetFullPath(scratchDirectory);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Called every <see cref="TrainerOptions.EvaluateEvery"/> updates; its metrics go to the log.</summary>
    public EvaluationHook? Evaluate { get; init; }

    /// <summary>
    /// Trains up to <see cref="TrainerOptions.TotalSteps"/>, resuming from the newest checkpoint that
    /// verifies (corrupt ones are skipped with a warning). Cancellation is honoured between updates;
    /// the next run resumes from the last checkpoint.
    /// </summary>
    public async Task<TrainingResult> RunAsync(IReadOnlyList<TExample> examples, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(examples);
        Directory.CreateDirectory(_scratch);
        var device = _model.parameters().First().device;
        var sampler = new LengthBucketSampler(examples.Select(_task.ShapeOf).ToArray(), _options.Seed, _options.TokenBudget, _options.BatchSize, _options.BucketWindow);
        var parameters = _model.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = CreateOptimizer();

        var (state, logCopy) = await RestoreAsync(optimizer, cancellationToken);
        long? resumedFrom = state.Step > 0 ? state.Step : null;
        long lastCheckpoint = state.Step;
        using var log = new LossLog(Path.Combine(_scratch, LossLog.FileName), logCopy);
        if (logCopy is not null)
            File.Delete(logCopy);
        var data = new DataCursor(sampler, state.Epoch, state.BatchInEpoch);
        double lastLoss = state.LastLoss;

        _model.train();
        for (long step = state.Step; step < _options.TotalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Schedule: the learning rate of this update.
            double lr = LearningRateSchedule.At(_options, step);
            foreach (var group in optimizer.ParamGroups)
                group.LearningRate = lr;
            // Accumulation: gradients of the micro-batches add up; each loss is scaled so the sum is their mean. The
            // reseed and every draw of the update (dropout) happen with no other work drawing in between.
            _model.zero_grad(set_to_none: true);
            double lossSum = 0;
            lock (TorchGenerators.Sync)
            {
                SeedGenerators(_options.Seed, step);
                for (int micro = 0; micro < _options.AccumulationSteps; micro++)
                {
                    using var scope = NewDisposeScope();
                    var batch = data.Next().Select(i => examples[i]).ToArray();
                    var loss = _task.Loss(_model, batch, device);
                    (loss / _options.AccumulationSteps).backward();
                    lossSum += loss.item<float>();
                }
            }

            // Clipping: rescale the whole gradient when its norm is too large (an infinite bound only measures it).
            double gradNorm = nn.utils.clip_grad_norm_(parameters, _options.MaxGradNorm > 0 ? _options.MaxGradNorm : double.PositiveInfinity);
            using (NewDisposeScope())
                optimizer.step();

            // Logging.
            long done = step + 1;
            lastLoss = lossSum / _options.AccumulationSteps;
            log.Append(new LossLogEntry { Step = done, Loss = lastLoss, LearningRate = lr, GradNorm = gradNorm, Epoch = data.Epoch });
            Logs.StepDone(_logger, done, _options.TotalSteps, lastLoss, lr, gradNorm);

            // Evaluation.
            bool last = done == _options.TotalSteps;
            if (Evaluate is not null && _options.EvaluateEvery > 0 && (done % _options.EvaluateEvery == 0 || last))
            {
                log.Append(new LossLogEntry { Step = done, Eval = Evaluate(done) });
                _model.train();
            }

            // Checkpoint.
            if (last || _options.CheckpointEvery > 0 && done % _options.CheckpointEvery == 0)
            {
                await SaveAsync(optimizer, new TrainerState(done, data.Epoch, data.BatchInEpoch, _options.Seed, lastLoss), log, cancellationToken);
                lastCheckpoint = done;
                // Batches of many shapes leave the heap fragmented; give the freed part back now and then, not per step.
                NativeHeap.ReleaseFreed();
            }
            progress?.Report(new TrainingProgress(done, _options.TotalSteps, lastLoss, lr, lastCheckpoint));
        }

        return new TrainingResult(_options.TotalSteps, resumedFrom, lastCheckpoint, lastLoss, log.Path);
    }

    /// <summary>AdamW with weight decay on matrices and embeddings (dim ≥ 2) only, nanoGPT's split.</summary>
    private AdamW CreateOptimizer()
    {
        var trainable = _model.parameters().Where(p => p.requires_grad).ToList();
        var matrices = trainable.Where(p => p.dim() >= 2).ToList();
        var vectors = trainable.Where(p => p.dim() < 2).ToList();
        if (trainable.Count == 0)
            throw new InvalidOperationException("The model has no trainable parameters.");
        var groups = new[]
        {
            new AdamW.ParamGroup(matrices, new AdamW.Options { weight_decay = _options.WeightDecay }),
            new AdamW.ParamGroup(vectors, new AdamW.Options { weight_decay = 0 }),
        };
        return new AdamW(groups, _options.LearningRate, _options.Beta1, _options.Beta2, _options.Epsilon, _options.WeightDecay);
    }

    private static void SeedGenerators(long seed, long step)
    {
        var mixed = (long)new SplitMix64(unchecked((ulong)seed ^ ((ulong)step * 0xD1B54A32D192ED03UL))).Next();
        manual_seed(mixed);
        if (cuda.is_available())
            cuda.manual_seed_all(mixed);
    }
}
