namespace RankDistill.Activities.Storage;

/// <summary>A file to publish in a set: its name relative to the set's prefix, and what writes its content.</summary>
/// <param name="Name">Relative name, <c>/</c>-separated; <c>manifest.json</c> is reserved.</param>
/// <param name="Produce">Writes the content to the stream it is given (see <see cref="IArtifactStore.WriteAsync"/>).</param>
public sealed record ArtifactSetFile(string Name, Func<Stream, CancellationToken, Task> Produce)
{
    private const int CopyBufferSize = 1 << 20;

    /// <summary>A file on disk, streamed.</summary>
    public static ArtifactSetFile FromFile(string name, string path) => new(name, async (destination, cancellationToken) =>
    {
        await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0,
            FileOptions.SequentialScan | FileOptions.Asynchronous);
        await source.CopyToAsync(destination, CopyBufferSize, cancellationToken);
    });

    /// <summary>Bytes already in memory (small files: configs, metrics).</summary>
    public static ArtifactSetFile FromBytes(string name, ReadOnlyMemory<byte> content) =>
        new(name, (destination, cancellationToken) => destination.WriteAsync(content, cancellationToken).AsTask());
}
