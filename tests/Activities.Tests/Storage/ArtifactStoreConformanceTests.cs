using System.Text;
using RankDistill.Activities.Storage;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>What every <see cref="IArtifactStore"/> does, run against each store (subclasses at the end).</summary>
public abstract class ArtifactStoreConformanceTests(StoreUnderTest target) : IAsyncDisposable
{
    private const long SeveralBlocks = (24 << 20) + 123;   // the blob tests use 1 MiB blocks: 25 of them, the last partial
    protected IArtifactStore Store => target.Store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return target.DisposeAsync();
    }

    [Fact]
    public async Task WriteAsync_SmallContent_ReadsBackSameBytes()
    {
        var info = await Store.WriteAsync("runs/r1/hello.txt", "hello, store"u8.ToArray(), Ct);

        Assert.Equal(new ArtifactInfo("runs/r1/hello.txt", 12, info.ETag, info.LastModified), info);
        Assert.Equal("hello, store"u8.ToArray(), await Store.ReadAllBytesAsync("runs/r1/hello.txt", cancellationToken: Ct));
    }

    [Fact]
    public async Task WriteAsync_ContentOfSeveralBlocks_ReadsBackByteIdentical()
    {
        var info = await Store.WriteAsync("models/big.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 7, SeveralBlocks, ct), Ct);

        Assert.Equal(SeveralBlocks, info.Size);
        await using var read = await Store.OpenReadAsync("models/big.bin", Ct);
        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(read, seed: 7, SeveralBlocks, Ct));
    }

    [Fact]
    public async Task WriteAsync_SynchronousWritesAcrossBlocks_CommitsThemInOrder()
    {
        const long length = (5 << 20) / 2;
        await Store.WriteAsync("models/sync.bin", (s, _) =>
        {
            var bytes = SeededContent.Bytes(3, (int)length);
            for (var i = 0; i < bytes.Length; i += 100_003)
                s.Write(bytes, i, (int)Math.Min(100_003, length - i));
            return Task.CompletedTask;
        }, Ct);

        await using var read = await Store.OpenReadAsync("models/sync.bin", Ct);
        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(read, seed: 3, length, Ct));
    }

    [Fact]
    public async Task WriteAsync_EmptyContent_CreatesEmptyArtifact()
    {
        var info = await Store.WriteAsync("labels/empty.tsv", (_, _) => Task.CompletedTask, Ct);

        Assert.Equal(0, info.Size);
        Assert.Equal(0, (await Store.GetInfoAsync("labels/empty.tsv", Ct))!.Size);
        Assert.Empty(await Store.ReadAllBytesAsync("labels/empty.tsv", cancellationToken: Ct));
    }

    [Fact]
    public async Task WriteAsync_ExistingName_ReplacesContentAndETag()
    {
        var first = await Store.WriteAsync("runs/r1/a.txt", "one"u8.ToArray(), Ct);
        var second = await Store.WriteAsync("runs/r1/a.txt", "second"u8.ToArray(), Ct);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("second"u8.ToArray(), await Store.ReadAllBytesAsync("runs/r1/a.txt", cancellationToken: Ct));
    }

    [Fact]
    public async Task WriteAsync_ProducerThrows_NothingAppears()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync("runs/r1/half.bin", async (s, ct) =>
        {
            await SeededContent.WriteAsync(s, seed: 1, 3 << 20, ct);
            throw new InvalidOperationException("producer failed");
        }, Ct));

        Assert.Equal("producer failed", error.Message);
        Assert.Null(await Store.GetInfoAsync("runs/r1/half.bin", Ct));
        Assert.Empty(await Store.ListAsync("runs/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task WriteAsync_ProducerThrowsAfterSeveralBlocks_PreviousVersionStays()
    {
        await Store.WriteAsync("runs/r1/model.bin", "version one"u8.ToArray(), Ct);

        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync("runs/r1/model.bin", async (s, ct) =>
        {
            await SeededContent.WriteAsync(s, seed: 2, 3 << 20, ct);
            throw new IOException("source vanished");
        }, Ct));

        Assert.Equal("version one"u8.ToArray(), await Store.ReadAllBytesAsync("runs/r1/model.bin", cancellationToken: Ct));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_NothingAppears()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.WriteAsync("runs/r1/c.bin", async (s, ct) =>
        {
            await SeededContent.WriteAsync(s, seed: 1, 2 << 20, ct);
            await cancel.CancelAsync();
        }, cancel.Token));

        Assert.Null(await Store.GetInfoAsync("runs/r1/c.bin", Ct));
    }

    [Fact]
    public async Task WriteAsync_ProducerDisposesItsStream_StillCommits()
    {
        await Store.WriteAsync("runs/r1/closed.txt", async (s, ct) =>
        {
            await using var writer = new StreamWriter(s, new UTF8Encoding(false), leaveOpen: false);
            await writer.WriteAsync("closed by the producer");
        }, Ct);

        Assert.Equal("closed by the producer", Encoding.UTF8.GetString(await Store.ReadAllBytesAsync("runs/r1/closed.txt", cancellationToken: Ct)));
    }

    [Fact]
    public async Task WriteAsync_ProducerStream_IsForwardOnly()
    {
        (bool Read, bool Seek, bool Write) seen = default;
        await Store.WriteAsync("runs/r1/x", (s, _) =>
        {
            seen = (s.CanRead, s.CanSeek, s.CanWrite);
            return Task.CompletedTask;
        }, Ct);

        Assert.Equal((false, false, true), seen);
    }

    [Fact]
    public async Task WriteAsync_TwoWritersOfOneNameAtOnce_NeverMixContent()
    {
        // Both write half, wait for each other, then finish: their uploads overlap for certain. The local store lets
        // the last rename win; Blob Storage discards the loser's uncommitted blocks when the winner commits, so the
        // loser fails. Either way the content is one writer's, whole.
        const long length = 3 << 20;
        using var bothHalfway = new Barrier(2);
        async Task<int?> Writer(int seed)
        {
            try
            {
                await Store.WriteAsync("models/contended.bin", async (s, ct) =>
                {
                    var bytes = SeededContent.Bytes(seed, (int)length);
                    await s.WriteAsync(bytes.AsMemory(0, (int)length / 2), ct);
                    bothHalfway.SignalAndWait(ct);
                    await s.WriteAsync(bytes.AsMemory((int)length / 2), ct);
                }, Ct);
                return seed;
            }
            catch (ArtifactStoreException e) when (e.ErrorCode == "InvalidBlockList")
            {
                return null;
            }
        }

        var winners = (await Task.WhenAll(Task.Run(() => Writer(11), Ct), Task.Run(() => Writer(12), Ct))).OfType<int>().ToList();

        Assert.NotEmpty(winners);
        var differences = new List<long>();
        foreach (var seed in winners)
        {
            await using var read = await Store.OpenReadAsync("models/contended.bin", Ct);
            differences.Add(await SeededContent.FirstDifferenceAsync(read, seed, length, Ct));
        }
        Assert.Contains(-1L, differences);
    }

    [Fact]
    public async Task OpenReadAsync_ReplacedWhileBeingRead_ReaderGetsWholeVersionItOpened()
    {
        const long length = 16 << 20;   // well beyond what socket buffers could hold
        await Store.WriteAsync("models/m.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 1, length, ct), Ct);
        await using var read = await Store.OpenReadAsync("models/m.bin", Ct);
        await read.ReadExactlyAsync(new byte[1 << 20], Ct);

        await Store.WriteAsync("models/m.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 2, length, ct), Ct);

        var rest = new byte[length - (1 << 20)];
        await read.ReadExactlyAsync(rest, Ct);
        var expected = new byte[rest.Length];
        SeededContent.Fill(1, 1 << 20, expected);
        Assert.True(expected.AsSpan().SequenceEqual(rest), "the reader saw bytes of the newer version");
        Assert.Equal(0, await read.ReadAsync(new byte[1], Ct));
    }

    [Fact]
    public async Task GetInfoAsync_Written_ReportsWhatTheWriteReported()
    {
        var written = await Store.WriteAsync("labels/l.tsv", new byte[1000], Ct);

        var info = await Store.GetInfoAsync("labels/l.tsv", Ct);

        Assert.Equal(written.ETag, info!.ETag);
        Assert.Equal(1000, info.Size);
        Assert.Equal("labels/l.tsv", info.Name);
        Assert.InRange(info.LastModified, written.LastModified.AddSeconds(-1), written.LastModified.AddSeconds(1));
    }

    [Fact]
    public async Task GetInfoAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Store.GetInfoAsync("runs/none/x", Ct));
        Assert.False(await Store.ExistsAsync("runs/none/x", Ct));
    }

    [Fact]
    public async Task OpenReadAsync_Missing_ThrowsNotFoundNamingIt()
    {
        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("runs/none/x.bin", Ct));

        Assert.Equal("runs/none/x.bin", error.ArtifactName);
        Assert.Contains("'runs/none/x.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Store.Description, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_Prefix_ReturnsMatchesInOrdinalOrderWithSizes()
    {
        string[] names = ["runs/r1/b/c", "runs/r10/e", "runs/r1-x/d", "runs/r1/a", "runs/r1/step-1", "labels/r1/x"];
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
            await Store.WriteAsync(name, new byte[i], Ct);

        Assert.Equal(["runs/r1/a", "runs/r1/b/c", "runs/r1/step-1"], (await Store.ListAsync("runs/r1/", Ct).ToListAsync(Ct)).Select(a => a.Name));
        Assert.Equal(["runs/r1-x/d", "runs/r1/a", "runs/r1/b/c", "runs/r1/step-1", "runs/r10/e"], (await Store.ListAsync("runs/r1", Ct).ToListAsync(Ct)).Select(a => a.Name));
        var step = Assert.Single(await Store.ListAsync("runs/r1/st", Ct).ToListAsync(Ct));
        Assert.Equal(("runs/r1/step-1", 4L), (step.Name, step.Size));
        Assert.Equal((await Store.GetInfoAsync("runs/r1/step-1", Ct))!.ETag, step.ETag);
    }

    [Fact]
    public async Task ListAsync_AreaNeverWritten_ReturnsNothing() => Assert.Empty(await Store.ListAsync("clicklogs/", Ct).ToListAsync(Ct));

    [Fact]
    public async Task DeleteAsync_Existing_RemovesItAndReturnsTrue()
    {
        await Store.WriteAsync("runs/r1/a/b.txt", "x"u8.ToArray(), Ct);
        await Store.WriteAsync("runs/r1/keep.txt", "y"u8.ToArray(), Ct);

        Assert.True(await Store.DeleteAsync("runs/r1/a/b.txt", Ct));

        Assert.Null(await Store.GetInfoAsync("runs/r1/a/b.txt", Ct));
        Assert.Equal(["runs/r1/keep.txt"], (await Store.ListAsync("runs/", Ct).ToListAsync(Ct)).Select(a => a.Name));
    }

    [Fact]
    public async Task DeleteAsync_Missing_ReturnsFalse() => Assert.False(await Store.DeleteAsync("runs/r1/none", Ct));

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("runs/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("runs/r1/a\\..\\..\\escape")]
    [InlineData("runs/r1/\u0007bell")]
    [InlineData("runs")]
    [InlineData("Runs/r1/x")]
    [InlineData("runs//x")]
    [InlineData("C:/x/y")]
    public async Task EveryOperation_InvalidName_RefusedBeforeTouchingStorage(string name)
    {
        var produced = false;

        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.WriteAsync(name, (_, _) =>
        {
            produced = true;
            return Task.CompletedTask;
        }, Ct));
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.OpenReadAsync(name, Ct));
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.GetInfoAsync(name, Ct));
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.DeleteAsync(name, Ct));

        Assert.False(produced);
        Assert.Empty(await Store.ListAsync("runs/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task WriteAsync_NameTooLong_RefusedWithTheLimit()
    {
        var name = "runs/" + string.Join('/', Enumerable.Repeat(new string('a', 100), 11));

        var error = await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.WriteAsync(name, new byte[1], Ct));

        Assert.Contains("the limit is 1024", error.Message, StringComparison.Ordinal);
    }
}

public sealed class LocalArtifactStoreConformanceTests() : ArtifactStoreConformanceTests(StoreUnderTest.Local());

public sealed class BlobArtifactStoreConformanceTests(AzuriteFixture azurite) : ArtifactStoreConformanceTests(StoreUnderTest.Blob(azurite));
