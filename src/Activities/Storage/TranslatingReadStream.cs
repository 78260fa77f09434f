namespace RankDistill.Activities.Storage;

/// <summary>A read stream whose storage failures surface as <see cref="ArtifactStoreException"/> naming the artifact.</summary>
internal sealed class TranslatingReadStream(Stream inner, Func<Exception, bool> isFailure, Func<Exception, Exception> translate)
    : ReadOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e) when (isFailure(e))
        {
            throw translate(e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (isFailure(e))
        {
            throw translate(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
