namespace RankDistill.Models.Training;

/// <summary>
/// Torch's random generators are process-wide. Work that seeds them and then draws from them (a model's initial
/// weights, a training's dropout) holds <see cref="Exclusive"/>, so that two such pieces of work in one process (two
/// training stages on one worker, a test building a seeded model beside a training) cannot draw from each other's
/// sequence and make a run's weights depend on what else ran at the time.
/// </summary>
public static class TorchGenerators
{
    public static SemaphoreSlim Exclusive { get; } = new(1, 1);
}
