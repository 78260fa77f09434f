using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// Torch's random generators are process-wide. Every stretch of work that seeds them and then draws from them holds
/// <see cref="Sync"/> for just that stretch: building a model with seeded initial weights (<see cref="Seeded{T}"/>), one
/// training update (the trainer reseeds from (seed, step), then dropout draws), and building a model whose weights a
/// checkpoint then overwrites (<see cref="Holding{T}"/>: its throw-away initial draws would shift another's sequence).
/// Two trainings, or a training and an evaluation, in one process then give the weights each gives alone.
/// </summary>
public static class TorchGenerators
{
    /// <summary>Re-entrant: a seeded build may load a checkpoint, which takes it again.</summary>
    public static Lock Sync { get; } = new();

    /// <summary>Seeds torch with <paramref name="seed"/> and runs <paramref name="build"/> with no other draw in between.</summary>
    public static T Seeded<T>(long seed, Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        return Holding(() =>
        {
            manual_seed(seed);
            return build();
        });
    }

    /// <summary>Runs <paramref name="build"/>, which draws from torch's generators, while no seeded stretch is under way.</summary>
    public static T Holding<T>(Func<T> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        lock (Sync)
            return build();
    }
}
