namespace RankDistill.Activities.Storage;

/// <summary>
/// What a producer writes to in <see cref="LocalArtifactStore"/>: the staging file, forward-only, with disk errors
/// reported as <see cref="ArtifactStoreException"/> (so they are told apart from the producer's own failures), and
/// a Dispose that leaves the file to the store, which commits it.
/// </summary>
internal sealed class LocalWriteStream(FileStream file, Func<Exception, Exception> translate) : WriteOnlyStream
{
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            file.Write(buffer);
        }
        catch (IOException e)
        {
            throw translate(e);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await file.WriteAsync(buffer, cancellationToken);
        }
        catch (IOException e)
        {
            throw translate(e);
        }
    }
}
