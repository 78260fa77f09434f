namespace RankDistill.Models.Training;

/// <summary>One training run's settings. Steps count optimizer updates, each of <see cref="AccumulationSteps"/> micro-batches.</summary>
public sealed record TrainerOptions
{
    /// <summary>Optimizer updates in the whole run; the schedule ends here.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Peak learning rate, reached at the end of warm-up: 1e-4 is a usual rate for fine-tuning BERT- and LLM-size models with AdamW.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Floor the decay ends at, as a fraction of the peak: 0.1 as in nanoGPT (min_lr = lr / 10).</summary>
    public double MinLearningRateRatio { get; init; } = 0.1;

    /// <summary>Updates of linear warm-up from near 0 to the peak; keeps Adam's first, noisy moment estimates from taking large steps.</summary>
    public long WarmupSteps { get; init; } = 100;

    public DecayKind Decay { get; init; } = DecayKind.Cosine;

    /// <summary>Decoupled weight decay on matrices and embeddings only (biases and norms are left alone, as in nanoGPT): 0.01, BERT's fine-tuning value.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Adam's β1, β2, ε: PyTorch's defaults. Set here because TorchSharp's optim.AdamW factory defaults β2 to 0.99, not 0.999.</summary>
    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Gradients are rescaled when their global L2 norm exceeds this: 1.0 as in nanoGPT and BERT. 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Micro-batches whose gradients add up to one update: a larger effective batch in the same memory.</summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Examples (sequences, or query lists) per micro-batch at most.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Padded tokens (rows × longest row) per micro-batch at most: 16k keeps a 6-layer BERT's activations within a few GB.</summary>
    public int TokenBudget { get; init; } = 16_384;

    /// <summary>Examples sorted by length together before batching: large enough for batches of like lengths, small enough that batches still mix the data.</summary>
    public int BucketWindow { get; init; } = 1024;

    /// <summary>Save a checkpoint every this many updates (and always at the end); 0 saves only at the end.</summary>
    public long CheckpointEvery { get; init; } = 500;

    /// <summary>Checkpoints kept; older ones are deleted after each save. 2 leaves one to fall back on if the newest is corrupt.</summary>
    public int KeepLastCheckpoints { get; init; } = 2;

    /// <summary>Call the evaluation hook every this many updates (and at the end); 0 never calls it.</summary>
    public long EvaluateEvery { get; init; }

    /// <summary>Seeds the data order and, mixed with the step, torch's generators (dropout) at every update.</summary>
    public long Seed { get; init; } = 1234;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string rule)
        {
            if (!ok)
                throw new ArgumentException($"TrainerOptions.{name} = {value}: {rule}.");
        }

        Require(TotalSteps >= 1, nameof(TotalSteps), TotalSteps, "must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "must be positive");
        Require(MinLearningRateRatio is >= 0 and <= 1, nameof(MinLearningRateRatio), MinLearningRateRatio, "must be in [0, 1]");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "must not be negative");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "must not be negative");
        Require(Beta1 is >= 0 and < 1, nameof(Beta1), Beta1, "must be in [0, 1)");
        Require(Beta2 is >= 0 and < 1, nameof(Beta2), Beta2, "must be in [0, 1)");
        Require(Epsilon > 0, nameof(Epsilon), Epsilon, "must be positive");
        Require(MaxGradNorm >= 0, nameof(MaxGradNorm), MaxGradNorm, "must not be negative (0 turns clipping off)");
        Require(AccumulationSteps >= 1, nameof(AccumulationSteps), AccumulationSteps, "must be at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "must be at least 1");
        Require(TokenBudget >= 1, nameof(TokenBudget), TokenBudget, "must be at least 1");
        Require(BucketWindow >= 1, nameof(BucketWindow), BucketWindow, "must be at least 1");
        Require(CheckpointEvery >= 0, nameof(CheckpointEvery), CheckpointEvery, "must not be negative (0 saves only at the end)");
        Require(KeepLastCheckpoints >= 1, nameof(KeepLastCheckpoints), KeepLastCheckpoints, "must be at least 1");
        Require(EvaluateEvery >= 0, nameof(EvaluateEvery), EvaluateEvery, "must not be negative (0 turns evaluation off)");
    }
}
