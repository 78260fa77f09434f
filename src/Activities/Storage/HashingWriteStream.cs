using System.Security.Cryptography;

namespace RankDistill.Activities.Storage;

/// <summary>
/// Passes writes through to a store's stream while counting bytes and hashing them (SHA-256, incrementally), so a
/// set's manifest records what was actually written. Disposing it does not dispose the store's stream or the hash.
/// </summary>
internal sealed class HashingWriteStream(Stream inner, IncrementalHash hash) : WriteOnlyStream
{
    public long BytesWritten { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        hash.AppendData(buffer);
        BytesWritten += buffer.Length;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        hash.AppendData(buffer.Span);
        BytesWritten += buffer.Length;
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
}
