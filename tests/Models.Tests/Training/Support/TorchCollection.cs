namespace RankDistill.Models.Tests.Training.Support;

/// <summary>
/// Tests that train: torch's random generator and thread settings are process-wide, so these run
/// one at a time, never beside another test that draws random numbers or changes threads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch training";
}
