namespace RankDistill.Activities.Data;

/// <summary>Writes PrepareData's outputs into a local folder (which PrepareData then publishes to the store).</summary>
public sealed class PreparedDataFolder(string root) : IPreparedDataSink
{
    public string Root { get; } = root;

    public Task<Stream> CreateAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return Task.FromResult<Stream>(File.Create(full));
    }
}
