using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>What only the local store does: files under its root, staging, folders.</summary>
public sealed class LocalArtifactStoreTests : IAsyncDisposable
{
    private readonly LocalStoreUnderTest _target = StoreUnderTest.Local();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IArtifactStore Store => _target.Store;

    public ValueTask DisposeAsync() => _target.DisposeAsync();

    [Fact]
    public async Task WriteAsync_Name_IsFileUnderRoot()
    {
        await Store.WriteAsync("runs/r1/logs/a.txt", "a"u8.ToArray(), Ct);

        Assert.Equal("a", await File.ReadAllTextAsync(Path.Combine(_target.Root, "runs", "r1", "logs", "a.txt"), Ct));
    }

    [Fact]
    public async Task WriteAsync_ProducerThrows_LeavesNoStagingFile()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.WriteAsync("runs/r1/a.bin", async (s, ct) =>
        {
            await s.WriteAsync(new byte[1 << 20], ct);
            throw new InvalidOperationException("no");
        }, Ct));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_target.Root, ".staging")));
        Assert.False(Directory.Exists(Path.Combine(_target.Root, "runs")));
    }

    [Theory]
    [InlineData("runs/../../escape.txt")]
    [InlineData("runs/r1/..\\..\\..\\escape.txt")]
    [InlineData("/tmp/escape.txt")]
    public async Task WriteAsync_EscapingName_WritesNothingAnywhere(string name)
    {
        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.WriteAsync(name, new byte[1], Ct));

        Assert.Equal(
            [_target.Root, Path.Combine(_target.Root, ".staging")],
            Directory.EnumerateFileSystemEntries(_target.Folder, "*", SearchOption.AllDirectories).Order());
        Assert.False(File.Exists("/tmp/escape.txt"));
    }

    [Fact]
    public async Task DeleteAsync_LastFileOfFolders_RemovesEmptyFoldersUpToTheArea()
    {
        await Store.WriteAsync("runs/r1/checkpoints/step-1/a.bin", new byte[1], Ct);

        await Store.DeleteAsync("runs/r1/checkpoints/step-1/a.bin", Ct);

        Assert.True(Directory.Exists(Path.Combine(_target.Root, "runs")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_target.Root, "runs")));
    }

    [Fact]
    public async Task WriteAsync_NameOfAFolderOfArtifacts_ThrowsStoreExceptionNamingIt()
    {
        await Store.WriteAsync("runs/r1/a/b.txt", new byte[1], Ct);

        var error = await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.WriteAsync("runs/r1/a", new byte[1], Ct));

        Assert.Contains("write 'runs/r1/a' failed: a folder of other artifacts has that name", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Real links under runs/r1: to a file outside the root, to a folder outside it, and back to r1 (a loop).</summary>
    private async Task<string> LinkOutAsync()
    {
        await Store.WriteAsync("runs/r1/real.txt", "inside"u8.ToArray(), Ct);
        var outside = Path.Combine(_target.Folder, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "outside");
        var r1 = Path.Combine(_target.Root, "runs", "r1");
        File.CreateSymbolicLink(Path.Combine(r1, "file-link.txt"), Path.Combine(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(r1, "folder-link"), outside);
        Directory.CreateSymbolicLink(Path.Combine(r1, "loop"), r1);
        return outside;
    }

    [Fact]
    public async Task ListAsync_SymbolicLinks_NotFollowedButReportedAsRefused()
    {
        await LinkOutAsync();

        Assert.Equal(["runs/r1/real.txt"], await Store.ListAsync("runs/", Ct).Select(a => a.Name).ToListAsync(Ct));
        var refused = await Store.ListRefusedAsync("runs/", Ct).ToListAsync(Ct);
        Assert.Equal(["runs/r1/file-link.txt", "runs/r1/folder-link", "runs/r1/loop"], refused.Select(r => r.Name));
        Assert.All(refused, r => Assert.Equal(LocalArtifactStore.LinkRefusal, r.Reason));
    }

    [Theory]
    [InlineData("runs/r1/file-link.txt", "runs/r1/file-link.txt")]
    [InlineData("runs/r1/folder-link/secret.txt", "runs/r1/folder-link")]
    [InlineData("runs/r1/loop/real.txt", "runs/r1/loop")]
    public async Task EveryOperation_ThroughSymbolicLink_RefusedNamingTheLink(string name, string link)
    {
        var outside = await LinkOutAsync();

        var read = await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.OpenReadAsync(name, Ct));
        Assert.Equal($"{Store.Description}: read '{name}' failed: '{link}': {LocalArtifactStore.LinkRefusal}", read.Message);
        await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.GetInfoAsync(name, Ct));
        await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.WriteAsync(name, "new"u8.ToArray(), Ct));
        await Assert.ThrowsAsync<ArtifactStoreException>(() => Store.DeleteAsync(name, Ct));
        await Assert.ThrowsAsync<ArtifactStoreException>(async () => await Store.ListAsync(name + "/", Ct).ToListAsync(Ct));
        Assert.Equal("outside", File.ReadAllText(Path.Combine(outside, "secret.txt")));
        Assert.Equal(["secret.txt"], Directory.EnumerateFileSystemEntries(outside).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ListRefusedAsync_FileNameBreakingTheRules_ReportedWithTheRule()
    {
        await Store.WriteAsync("runs/r1/good.txt", new byte[1], Ct);
        File.WriteAllBytes(Path.Combine(_target.Root, "runs", "r1", "bad:name.txt"), new byte[1]);

        Assert.Equal(["runs/r1/good.txt"], await Store.ListAsync("runs/r1/", Ct).Select(a => a.Name).ToListAsync(Ct));
        Assert.Equal(
            [new RefusedArtifact("runs/r1/bad:name.txt", "it contains ':', which file names on Windows cannot hold")],
            await Store.ListRefusedAsync("runs/r1/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public void Constructor_StagingFilesOlderThanTheLimit_DeletesThemAndKeepsRecentOnes()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var staging = Path.Combine(_target.Root, ".staging");
        var stale = Path.Combine(staging, "stale.tmp");
        var recent = Path.Combine(staging, "recent.tmp");
        File.WriteAllBytes(stale, new byte[1]);
        File.WriteAllBytes(recent, new byte[1]);
        File.SetLastWriteTimeUtc(stale, now.UtcDateTime.AddHours(-25));
        File.SetLastWriteTimeUtc(recent, now.UtcDateTime.AddHours(-23));

        _ = new LocalArtifactStore(_target.Root, new LocalArtifactStoreOptions { TimeProvider = new FixedTime(now) });

        Assert.Equal([recent], Directory.EnumerateFiles(staging));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
