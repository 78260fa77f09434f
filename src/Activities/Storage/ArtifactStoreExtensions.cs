namespace RankDistill.Activities.Storage;

/// <summary>Conveniences over <see cref="IArtifactStore"/>'s five operations, the same for every store.</summary>
public static class ArtifactStoreExtensions
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>Writes the rest of <paramref name="content"/> as <paramref name="name"/>, atomically.</summary>
    public static Task<ArtifactInfo> WriteAsync(
        this IArtifactStore store, string name, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(content);
        return store.WriteAsync(name, (destination, ct) => content.CopyToAsync(destination, CopyBufferSize, ct), cancellationToken);
    }

    /// <summary>Writes <paramref name="content"/> as <paramref name="name"/>, atomically.</summary>
    public static Task<ArtifactInfo> WriteAsync(
        this IArtifactStore store, string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.WriteAsync(name, (destination, ct) => destination.WriteAsync(content, ct).AsTask(), cancellationToken);
    }

    /// <summary>Writes the local file at <paramref name="path"/> as <paramref name="name"/>, streamed.</summary>
    public static Task<ArtifactInfo> UploadFileAsync(
        this IArtifactStore store, string name, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.WriteAsync(name, ArtifactSetFile.FromFile(name, path).Produce, cancellationToken);
    }

    /// <summary>Copies <paramref name="name"/> to the local file <paramref name="path"/>, replacing it only once complete.</summary>
    public static async Task DownloadFileAsync(
        this IArtifactStore store, string name, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var source = await store.OpenReadAsync(name, cancellationToken);
        await CopyToFileAsync(source, path, cancellationToken);
    }

    /// <summary>Reads a small artifact whole; refuses one larger than <paramref name="maxBytes"/> rather than exhaust memory.</summary>
    public static async Task<byte[]> ReadAllBytesAsync(
        this IArtifactStore store, string name, int maxBytes = 64 << 20, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var source = await store.OpenReadAsync(name, cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > maxBytes)
                throw new InvalidOperationException($"Artifact '{name}' is larger than the {maxBytes} bytes this read allows.");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    public static async Task<bool> ExistsAsync(this IArtifactStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.GetInfoAsync(name, cancellationToken) is not null;
    }

    /// <summary>Streams <paramref name="source"/> into <paramref name="path"/> via a partial file renamed at the end.</summary>
    internal static async Task CopyToFileAsync(Stream source, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var partial = path + ".partial";
        try
        {
            await using (var target = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
                await source.CopyToAsync(target, CopyBufferSize, cancellationToken);
            File.Move(partial, path, overwrite: true);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }
}
