namespace RankDistill.Activities.Storage;

/// <summary>
/// A published set of files (a checkpoint, a model folder) as its manifest lists them. Every read through it is
/// verified against the manifest as it streams; a file that differs throws <see cref="CorruptArtifactException"/>
/// naming it. Obtain one with <see cref="ArtifactSets.OpenSetAsync"/> or <see cref="ArtifactSets.PublishSetAsync"/>.
/// </summary>
public sealed class ArtifactSet
{
    private const int ReadBufferSize = 1 << 20;
    private readonly IArtifactStore _store;
    private readonly Dictionary<string, ArtifactSetEntry> _byName;

    internal ArtifactSet(IArtifactStore store, string prefix, ArtifactSetManifest manifest)
    {
        _store = store;
        Prefix = prefix;
        Files = manifest.Files;
        _byName = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    /// <summary>The folder of the set, without a trailing slash, e.g. <c>runs/r1/checkpoints/sft/step-000000100</c>.</summary>
    public string Prefix { get; }

    public string ManifestName => $"{Prefix}/{ArtifactSetManifest.FileName}";

    public IReadOnlyList<ArtifactSetEntry> Files { get; }

    /// <summary>Total bytes of the files.</summary>
    public long Size => Files.Sum(f => f.Size);

    /// <summary>Opens a file of the set by its relative name; the stream verifies size and SHA-256 as it is read.</summary>
    public async Task<Stream> OpenReadAsync(string relativeName, CancellationToken cancellationToken = default)
    {
        if (!_byName.TryGetValue(relativeName, out var entry))
            throw new ArtifactNotFoundException($"set '{Prefix}'", relativeName);
        var name = $"{Prefix}/{relativeName}";
        Stream inner;
        try
        {
            inner = await _store.OpenReadAsync(name, cancellationToken);
        }
        catch (ArtifactNotFoundException e)
        {
            throw new CorruptArtifactException(name, $"{ManifestName} lists it but it is missing", e);
        }
        return new VerifyingReadStream(inner, name, ManifestName, entry);
    }

    /// <summary>Reads every file through and checks it; throws <see cref="CorruptArtifactException"/> at the first that differs.</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new byte[ReadBufferSize];
        foreach (var file in Files)
        {
            await using var stream = await OpenReadAsync(file.Name, cancellationToken);
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
    }

    /// <summary>
    /// Copies every file under <paramref name="localDirectory"/> (relative names become sub-folders), verifying as it
    /// streams. A file that fails verification is not left behind; files copied before it stay.
    /// </summary>
    public async Task DownloadAsync(string localDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirectory);
        foreach (var file in Files)
        {
            var path = Path.Combine(localDirectory, file.Name.Replace('/', Path.DirectorySeparatorChar));
            await using var source = await OpenReadAsync(file.Name, cancellationToken);
            await ArtifactStoreExtensions.CopyToFileAsync(source, path, cancellationToken);
        }
    }
}
