namespace RankDistill.Workflows.Tests.Infra;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rankdistill-infra-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
