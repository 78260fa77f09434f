using System.Buffers;
using System.Buffers.Binary;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RankDistill.Activities.Storage;

/// <summary>
/// What a producer writes to in <see cref="BlobArtifactStore"/>. Bytes fill a block buffer; each full block is staged
/// (uploaded, not yet visible) while the producer fills the next, with at most <c>maxInFlight</c> uploads pending, so
/// memory stays at (1 + maxInFlight) blocks whatever the size. Nothing is visible until <see cref="CommitAsync"/>
/// commits the block list, which is atomic; staged blocks that are never committed are discarded by the service.
/// The producer may dispose it; the store releases the buffers when the write ends (<see cref="ReleaseAsync"/>).
/// </summary>
internal sealed class BlockUploadStream(
    BlockBlobClient blob, BlobArtifactStoreOptions options, Func<Exception, Exception> failure)
    : WriteOnlyStream
{
    private const int MaxBlocks = 50_000;   // the service's limit of blocks in one blob
    private readonly Queue<(Task Upload, byte[] Buffer)> _inFlight = new();
    private readonly List<string> _blockIds = [];

    // Block ids are unique to this upload: two writers of one name at once must not overwrite each other's
    // uncommitted blocks (the service keeps one uncommitted list per blob).
    private readonly Guid _uploadId = Guid.NewGuid();
    private byte[]? _buffer;
    private int _filled;
    private long _length;

    /// <summary>
    /// Synchronous writes (some serializers only write that way) wait for block uploads on the calling thread.
    /// </summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Fill(buffer)..];
            if (_filled == options.BlockSize)
                StageBlockAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            buffer = buffer[Fill(buffer.Span)..];
            if (_filled == options.BlockSize)
                await StageBlockAsync(cancellationToken);
        }
    }

    /// <summary>Makes the written bytes the blob's content, atomically, and returns what the service reports.</summary>
    public async Task<ArtifactInfo> CommitAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            BlobContentInfo committed;
            if (_blockIds.Count == 0)
            {
                // Content that fits in one block takes one request instead of two.
                var buffer = _buffer ?? [];
                var count = _filled;
                committed = await BlobArtifactStore.WithContainerAsync(blob, () => blob.UploadAsync(
                    new MemoryStream(buffer, 0, count, writable: false), new BlobUploadOptions(), cancellationToken), cancellationToken);
            }
            else
            {
                if (_filled > 0)
                    await StageBlockAsync(cancellationToken);
                while (_inFlight.Count > 0)
                    await CompleteOldestAsync();
                committed = (await blob.CommitBlockListAsync(_blockIds, new CommitBlockListOptions(), cancellationToken)).Value;
            }
            return new ArtifactInfo(name, _length, BlobArtifactStore.ETagOf(committed.ETag), committed.LastModified);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.InvalidBlockList)
        {
            // The service keeps one list of uncommitted blocks per blob and empties it on every commit.
            throw failure(new RequestFailedException(e.Status,
                "another write of this name committed first and discarded this write's blocks; nothing of this write is visible",
                e.ErrorCode, e));
        }
        catch (Exception e) when (BlobFailures.IsStorageFailure(e))
        {
            throw failure(e);
        }
    }

    /// <summary>
    /// Waits for pending uploads and returns the buffers. Called by the store when the write ends either way; the
    /// producer's Dispose does nothing, so a producer that closes its stream still has its bytes committed.
    /// </summary>
    public async ValueTask ReleaseAsync()
    {
        // The SDK may still read a buffer until its upload ends: wait before returning buffers to the pool.
        while (_inFlight.Count > 0)
        {
            var (upload, buffer) = _inFlight.Dequeue();
            try
            {
                await upload;
            }
            catch (Exception)
            {
                // The write already failed or was abandoned; nothing will be committed.
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    private int Fill(ReadOnlySpan<byte> source)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(options.BlockSize);
        var n = Math.Min(source.Length, options.BlockSize - _filled);
        source[..n].CopyTo(_buffer.AsSpan(_filled));
        _filled += n;
        _length += n;
        return n;
    }

    private async ValueTask StageBlockAsync(CancellationToken cancellationToken)
    {
        if (_blockIds.Count == MaxBlocks)
            throw failure(new InvalidOperationException($"more than {MaxBlocks} blocks; raise the block size"));
        var id = BlockId(_blockIds.Count);
        _blockIds.Add(id);
        var (buffer, count) = (_buffer!, _filled);
        (_buffer, _filled) = (null, 0);
        _inFlight.Enqueue((StageAsync(id, buffer, count, cancellationToken), buffer));
        while (_inFlight.Count > options.MaxBlocksInFlight)
            await CompleteOldestAsync();
    }

    private async Task StageAsync(string id, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            await BlobArtifactStore.WithContainerAsync(blob, () => blob.StageBlockAsync(
                id, new MemoryStream(buffer, 0, count, writable: false), new BlockBlobStageBlockOptions(), cancellationToken), cancellationToken);
        }
        catch (Exception e) when (BlobFailures.IsStorageFailure(e))
        {
            throw failure(e);
        }
    }

    private async Task CompleteOldestAsync()
    {
        var (upload, buffer) = _inFlight.Dequeue();
        try
        {
            await upload;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string BlockId(int index)
    {
        // Every id of a blob must have the same length: 16 bytes of upload id and 4 of index, base64.
        Span<byte> bytes = stackalloc byte[20];
        _uploadId.TryWriteBytes(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes[16..], index);
        return Convert.ToBase64String(bytes);
    }
}
