namespace RankDistill.Models.Training;

/// <summary>
/// Linear warm-up, then cosine or linear decay to a floor (nanoGPT's get_lr). A pure function of the
/// step, so the scheduler's state in a checkpoint is the step itself.
/// </summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate of update <paramref name="step"/> (0-based).</summary>
    public static double At(TrainerOptions options, long step)
    {
        ArgumentNullException.ThrowIfNull(options);
        double peak = options.LearningRate, floor = peak * options.MinLearningRateRatio;
        if (step < options.WarmupSteps)
            return peak * (step + 1) / (options.WarmupSteps + 1);

        long decaySteps = Math.Max(1, options.TotalSteps - 1 - options.WarmupSteps);
        double progress = Math.Clamp((double)(step - options.WarmupSteps) / decaySteps, 0, 1);
        double coefficient = options.Decay switch
        {
            DecayKind.Cosine => 0.5 * (1 + Math.Cos(Math.PI * progress)),   // 1 → 0
            DecayKind.Linear => 1 - progress,
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Decay, "Unknown decay."),
        };
        return floor + coefficient * (peak - floor);
    }
}
