using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

/// <summary>PrepareData's outputs in a temporary folder, written by the product's own <see cref="PreparedDataFolder"/> and read back from disk.</summary>
internal sealed class PreparedOutput : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("rankdistill-prepared-");

    public PreparedOutput() => Sink = new PreparedDataFolder(_folder.FullName);

    public PreparedDataFolder Sink { get; }

    /// <summary>Every file written, by its path relative to the folder ('/' separated, as PreparedDataPaths names them).</summary>
    public IEnumerable<string> Paths =>
        Directory.EnumerateFiles(_folder.FullName, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_folder.FullName, f).Replace('\\', '/'));

    public string Text(string path) => File.ReadAllText(Path.Combine(_folder.FullName, path));

    public List<T> Read<T>(string path) =>
        [.. Text(path).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PreparedJsonl.FromLine<T>)];

    public void Dispose() => _folder.Delete(recursive: true);
}
