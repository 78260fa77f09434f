namespace RankDistill.Activities.Reporting;

/// <summary>A private local folder that models are downloaded into, deleted with what is in it on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder(string? parent, string purpose)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), $"rankdistill-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary folder must not turn a finished evaluation into a failure.
        }
    }
}
