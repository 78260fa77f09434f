namespace RankDistill.Workflows.Cli;

/// <summary>The data folder holds a complete demo drop under this id that this build would not generate.</summary>
internal sealed class DemoDropMismatchException(string dropId, string artifact, string store)
    : Exception($"The data folder already holds drop {dropId} ({store}), but not the world this version generates for it: " +
        $"{artifact} differs. It was written by another version of the demo. Delete the data folder or pass another --data.")
{
    public string DropId { get; } = dropId;

    /// <summary>The first file found to differ.</summary>
    public string Artifact { get; } = artifact;
}
