using System.Net;
using System.Net.Sockets;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using RankDistill.Activities.Storage;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>What only the blob store does: containers, retries, service errors. Real Azurite unless a test says otherwise.</summary>
public sealed class BlobArtifactStoreTests(AzuriteFixture azurite) : IAsyncDisposable
{
    private readonly BlobStoreUnderTest _target = StoreUnderTest.Blob(azurite);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _target.DisposeAsync();

    [Fact]
    public async Task WriteAsync_Name_AreaIsPrefixedContainerAndRestIsBlobName()
    {
        await _target.Store.WriteAsync("runs/r1/logs/a.txt", "a"u8.ToArray(), Ct);

        var blob = _target.Service.GetBlobContainerClient(_target.Options.ContainerPrefix + "runs").GetBlobClient("r1/logs/a.txt");
        Assert.True(await blob.ExistsAsync(Ct));
        Assert.Equal([_target.Options.ContainerPrefix + "runs"], await _target.ContainerNamesAsync());
    }

    [Fact]
    public async Task WriteAsync_InvalidName_CreatesNoContainer()
    {
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => _target.Store.WriteAsync("runs/../x", new byte[1], Ct));
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => _target.Store.WriteAsync("UPPER/x", new byte[1], Ct));

        Assert.Empty(await _target.ContainerNamesAsync());
    }

    [Fact]
    public async Task ListRefusedAsync_BlobNamesBreakingTheRules_ReportedWithTheRule()
    {
        // Another tool wrote these: Blob Storage takes names our rules refuse, so no caller could open them. The escaped
        // name is stored as written (the SDK escapes '%'), an ordinary name that is listed and read like any other.
        await _target.Store.WriteAsync("clicklogs/d1/good.jsonl", new byte[1], Ct);
        var container = _target.Service.GetBlobContainerClient(_target.Options.ContainerPrefix + "clicklogs");
        await container.GetBlobClient("d1/bad:name.jsonl").UploadAsync(BinaryData.FromBytes(new byte[1]), Ct);
        await container.GetBlobClient("d1/..%2f..%2fescape.jsonl").UploadAsync(BinaryData.FromBytes(new byte[1]), Ct);

        Assert.Equal(
            ["clicklogs/d1/..%2f..%2fescape.jsonl", "clicklogs/d1/good.jsonl"],
            await _target.Store.ListAsync("clicklogs/d1/", Ct).Select(a => a.Name).ToListAsync(Ct));
        Assert.Equal(
            [new RefusedArtifact("clicklogs/d1/bad:name.jsonl", "it contains ':', which file names on Windows cannot hold")],
            await _target.Store.ListRefusedAsync("clicklogs/d1/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Stores_DifferentContainerPrefixes_DoNotSeeEachOther()
    {
        await using var other = StoreUnderTest.Blob(azurite);
        await _target.Store.WriteAsync("models/m.bin", "mine"u8.ToArray(), Ct);
        await other.Store.WriteAsync("models/m.bin", "theirs"u8.ToArray(), Ct);

        Assert.Equal("mine"u8.ToArray(), await _target.Store.ReadAllBytesAsync("models/m.bin", cancellationToken: Ct));
        Assert.Equal("theirs"u8.ToArray(), await other.Store.ReadAllBytesAsync("models/m.bin", cancellationToken: Ct));
    }

    [Fact]
    public async Task WriteAsync_ServiceBusyFewerTimesThanMaxRetries_RetriedAndCommitted()
    {
        var busy = new ServiceUnavailablePolicy(failures: _target.Options.MaxRetries);
        var store = StoreWithPolicy(busy);

        await store.WriteAsync("models/retried.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 4, 3 << 20, ct), Ct);

        Assert.Equal(2, busy.Faked);
        await using var read = await store.OpenReadAsync("models/retried.bin", Ct);
        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(read, seed: 4, 3 << 20, Ct));
    }

    [Fact]
    public async Task WriteAsync_ServiceBusyBeyondMaxRetries_ThrowsStoreExceptionWith503AndNothingAppears()
    {
        var busy = new ServiceUnavailablePolicy(failures: _target.Options.MaxRetries + 1);
        var store = StoreWithPolicy(busy);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.WriteAsync("models/busy.bin", new byte[10], Ct));

        Assert.Equal(503, error.Status);
        Assert.Equal(_target.Options.MaxRetries + 1, busy.Requests);
        Assert.StartsWith($"{store.Description}: write 'models/busy.bin' failed: HTTP 503", error.Message, StringComparison.Ordinal);
        Assert.Null(await _target.Store.GetInfoAsync("models/busy.bin", Ct));
    }

    [Fact]
    public async Task WriteAsync_ConnectionCutMidBlock_BlockSentAgainAndBlobComplete()
    {
        // Three blocks of 1 MiB; the first block upload to reach the proxy loses its connection after 100 KB of its body.
        await using var proxy = new CuttingProxy(_target.Azurite.Port, cutAfterBodyBytes: 100_000, cuts: 1);
        var store = StoreThrough(proxy);

        var info = await store.WriteAsync("models/cut.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 5, 3 << 20, ct), Ct);

        Assert.Equal(1, proxy.Cuts);
        Assert.Equal(3 << 20, info.Size);
        await using var read = await _target.Store.OpenReadAsync("models/cut.bin", Ct);
        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(read, seed: 5, 3 << 20, Ct));
    }

    [Fact]
    public async Task WriteAsync_EveryAttemptCut_FailsKeepingTheOldVersionAndTheNextWriteCommits()
    {
        await _target.Store.WriteAsync("models/cut.bin", "old version"u8.ToArray(), Ct);
        await using var proxy = new CuttingProxy(_target.Azurite.Port, cutAfterBodyBytes: 100_000, cuts: int.MaxValue);
        var store = StoreThrough(proxy);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() =>
            store.WriteAsync("models/cut.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 6, 3 << 20, ct), Ct));

        // Every attempt of a block was cut: the write gave up, and readers still see the whole old version.
        Assert.StartsWith($"{store.Description}: write 'models/cut.bin' failed", error.Message, StringComparison.Ordinal);
        Assert.True(proxy.Cuts >= _target.Options.MaxRetries + 1, $"{proxy.Cuts} cuts");
        Assert.Equal("old version"u8.ToArray(), await _target.Store.ReadAllBytesAsync("models/cut.bin", cancellationToken: Ct));

        proxy.StopCutting();
        await store.WriteAsync("models/cut.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 6, 3 << 20, ct), Ct);

        await using var read = await _target.Store.OpenReadAsync("models/cut.bin", Ct);
        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(read, seed: 6, 3 << 20, Ct));
    }

    [Fact]
    public async Task WriteAsync_WrongAccountKey_ThrowsStoreExceptionWith403AndNoKey()
    {
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var connection = _target.Azurite.ConnectionString.Replace(AzuriteServer.AccountKey, wrongKey, StringComparison.Ordinal);
        var store = BlobArtifactStore.FromConnectionString(connection, _target.Options);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.WriteAsync("runs/r1/a.txt", new byte[1], Ct));

        Assert.Equal(403, error.Status);
        Assert.Contains("write 'runs/r1/a.txt' failed: HTTP 403", error.Message, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{_target.Azurite.Port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetInfoAsync_NothingListening_RetriesThenThrowsStoreExceptionSayingSo()
    {
        using var closed = new RefusingPort();
        var store = BlobArtifactStore.FromConnectionString(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{closed.Port}/devstoreaccount1;", _target.Options);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.GetInfoAsync("runs/r1/a.txt", Ct));

        Assert.Equal(0, error.Status);
        Assert.Contains("'runs/r1/a.txt' failed: no response", error.Message, StringComparison.Ordinal);
        Assert.Contains($"gave up after {_target.Options.MaxRetries + 1} attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetInfoAsync_ServerNeverAnswers_ThrowsStoreExceptionAfterTheNetworkTimeouts()
    {
        // A server that accepts connections and never answers: each attempt ends at the network timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
                held.Add(await silent.AcceptTcpClientAsync(Ct));
        }, Ct);
        var options = new BlobArtifactStoreOptions
        {
            ContainerPrefix = _target.Options.ContainerPrefix,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            NetworkTimeout = TimeSpan.FromSeconds(1),
        };
        var store = BlobArtifactStore.FromConnectionString(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteServer.AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/devstoreaccount1;", options);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => store.GetInfoAsync("runs/r1/a.txt", Ct));

        Assert.Contains("'runs/r1/a.txt' failed: no response", error.Message, StringComparison.Ordinal);
        Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("gave up after 2 attempts", error.Message, StringComparison.Ordinal);
        foreach (var client in held.ToArray())
            client.Dispose();
    }

    /// <summary>This test's store (same container prefix), reaching Azurite through <paramref name="proxy"/>.</summary>
    private BlobArtifactStore StoreThrough(CuttingProxy proxy) => BlobArtifactStore.FromConnectionString(
        _target.Azurite.ConnectionString.Replace($"127.0.0.1:{_target.Azurite.Port}/", $"127.0.0.1:{proxy.Port}/", StringComparison.Ordinal), _target.Options);

    private BlobArtifactStore StoreWithPolicy(HttpPipelinePolicy policy)
    {
        var client = BlobArtifactStore.CreateClientOptions(_target.Options);
        client.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return new BlobArtifactStore(new BlobServiceClient(_target.Azurite.ConnectionString, client), _target.Options);
    }
}
