using System.Security.Cryptography;
using System.Text;
using RankDistill.Activities.Storage;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>Atomic publication and verified reading of sets of files, run against each store.</summary>
public abstract class ArtifactSetConformanceTests(StoreUnderTest target) : IAsyncDisposable
{
    private const string Prefix = "runs/r1/checkpoints/sft/step-000000100";
    private IArtifactStore Store => target.Store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return target.DisposeAsync();
    }

    [Fact]
    public async Task PublishSetAsync_Files_ManifestListsEachWithSizeAndSha256()
    {
        byte[] config = Encoding.UTF8.GetBytes("{\"hidden_size\": 64}");
        await Store.PublishSetAsync(Prefix, [
            ArtifactSetFile.FromBytes("config.json", config),
            new ArtifactSetFile("weights/model.bin", (s, ct) => SeededContent.WriteAsync(s, seed: 5, 3 << 20, ct)),
        ], Ct);

        var set = await Store.OpenSetAsync(Prefix, Ct);

        Assert.NotNull(set);
        Assert.Equal(
            [
                new ArtifactSetEntry("config.json", config.Length, Convert.ToHexStringLower(SHA256.HashData(config))),
                new ArtifactSetEntry("weights/model.bin", 3 << 20, Sha256OfSeeded(5, 3 << 20)),
            ],
            set.Files);
        await set.VerifyAsync(Ct);
        Assert.Contains($"{Prefix}/manifest.json", (await Store.ListAsync(Prefix + "/", Ct).ToListAsync(Ct)).Select(a => a.Name));
    }

    [Fact]
    public async Task OpenSetAsync_FilesWithoutManifest_ReturnsNull()
    {
        // What a writer that crashed before its manifest leaves behind.
        await Store.WriteAsync($"{Prefix}/model.bin", new byte[10], Ct);

        Assert.Null(await Store.OpenSetAsync(Prefix, Ct));
        var error = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.GetSetAsync(Prefix, Ct));
        Assert.Equal($"{Prefix}/manifest.json", error.ArtifactName);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("{\"format\": \"other/2\", \"files\": []}", "format is 'other/2'")]
    [InlineData("{\"format\": \"rankdistill.artifact-set/1\", \"files\": [{\"name\": \"../x\", \"size\": 1, \"sha256\": \"00\"}]}", "'../x', which is not a valid name")]
    [InlineData("{\"format\": \"rankdistill.artifact-set/1\", \"files\": [{\"name\": \"a\", \"size\": 1, \"sha256\": \"00\"}]}", "not 64 lowercase hex digits")]
    public async Task OpenSetAsync_InvalidManifest_AbsentAndGetSetSaysWhy(string manifest, string problem)
    {
        await Store.WriteAsync($"{Prefix}/manifest.json", Encoding.UTF8.GetBytes(manifest), Ct);

        Assert.Null(await Store.OpenSetAsync(Prefix, Ct));
        var error = await Assert.ThrowsAsync<CorruptArtifactException>(() => Store.GetSetAsync(Prefix, Ct));
        Assert.Equal($"{Prefix}/manifest.json", error.ArtifactName);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_FileChangedKeepingItsSize_ThrowsCorruptNamingTheFile()
    {
        var set = await PublishTwoFilesAsync();
        await Store.WriteAsync($"{Prefix}/b.bin", "BBBB"u8.ToArray(), Ct);

        var error = await Assert.ThrowsAsync<CorruptArtifactException>(() => ReadToEndAsync(set, "b.bin"));

        Assert.Equal($"{Prefix}/b.bin", error.ArtifactName);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Prefix}/manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_ReaderStopsAtRecordedSize_IsStillVerified()
    {
        var set = await PublishTwoFilesAsync();
        await Store.WriteAsync($"{Prefix}/b.bin", "BBBB"u8.ToArray(), Ct);
        await using var stream = await set.OpenReadAsync("b.bin", Ct);

        await Assert.ThrowsAsync<CorruptArtifactException>(async () => await stream.ReadExactlyAsync(new byte[4], Ct));
    }

    [Theory]
    [InlineData("bb", "ends after 2 bytes")]
    [InlineData("bbbbb", "longer than the 4 bytes")]
    public async Task OpenReadAsync_FileOfAnotherSize_ThrowsCorruptSayingHow(string content, string problem)
    {
        var set = await PublishTwoFilesAsync();
        await Store.WriteAsync($"{Prefix}/b.bin", Encoding.UTF8.GetBytes(content), Ct);

        var error = await Assert.ThrowsAsync<CorruptArtifactException>(() => ReadToEndAsync(set, "b.bin"));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_FileMissing_ThrowsCorruptNamingTheFile()
    {
        var set = await PublishTwoFilesAsync();
        await Store.DeleteAsync($"{Prefix}/a.bin", Ct);

        var error = await Assert.ThrowsAsync<CorruptArtifactException>(() => set.VerifyAsync(Ct));

        Assert.Equal($"{Prefix}/a.bin", error.ArtifactName);
        Assert.Contains("lists it but it is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishSetAsync_ProducerFailsOnRepublish_SetIsAbsent()
    {
        await PublishTwoFilesAsync();

        await Assert.ThrowsAsync<IOException>(() => Store.PublishSetAsync(Prefix, [
            ArtifactSetFile.FromBytes("a.bin", "new"u8.ToArray()),
            new ArtifactSetFile("b.bin", (_, _) => throw new IOException("disk gone")),
        ], Ct));

        Assert.Null(await Store.OpenSetAsync(Prefix, Ct));
    }

    [Fact]
    public async Task PublishSetAsync_Republished_RemovesFilesNoLongerListed()
    {
        await PublishTwoFilesAsync();

        await Store.PublishSetAsync(Prefix, [ArtifactSetFile.FromBytes("c.bin", "c"u8.ToArray())], Ct);

        Assert.Equal([$"{Prefix}/c.bin", $"{Prefix}/manifest.json"], (await Store.ListAsync(Prefix + "/", Ct).ToListAsync(Ct)).Select(a => a.Name));
        Assert.Equal(["c.bin"], (await Store.OpenSetAsync(Prefix, Ct))!.Files.Select(f => f.Name));
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("../escape.bin")]
    [InlineData("a//b")]
    public async Task PublishSetAsync_BadFileName_RefusedBeforeWritingAnything(string name)
    {
        var files = new[] { ArtifactSetFile.FromBytes("ok.bin", new byte[1]), ArtifactSetFile.FromBytes(name, new byte[1]) };

        await Assert.ThrowsAsync<InvalidArtifactNameException>(() => Store.PublishSetAsync(Prefix, files, Ct));

        Assert.Empty(await Store.ListAsync("runs/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task PublishSetAsync_DuplicateFileName_RefusedBeforeWritingAnything()
    {
        var files = new[] { ArtifactSetFile.FromBytes("a.bin", new byte[1]), ArtifactSetFile.FromBytes("a.bin", new byte[2]) };

        await Assert.ThrowsAsync<ArgumentException>(() => Store.PublishSetAsync(Prefix, files, Ct));

        Assert.Empty(await Store.ListAsync("runs/", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task DeleteSetAsync_Published_RemovesManifestAndFiles()
    {
        await PublishTwoFilesAsync();

        Assert.True(await Store.DeleteSetAsync(Prefix, Ct));

        Assert.Empty(await Store.ListAsync("runs/", Ct).ToListAsync(Ct));
        Assert.False(await Store.DeleteSetAsync(Prefix, Ct));
    }

    private async Task<ArtifactSet> PublishTwoFilesAsync() => await Store.PublishSetAsync(Prefix, [
        ArtifactSetFile.FromBytes("a.bin", "aaa"u8.ToArray()),
        ArtifactSetFile.FromBytes("b.bin", "bbbb"u8.ToArray()),
    ], Ct);

    private static async Task ReadToEndAsync(ArtifactSet set, string name)
    {
        await using var stream = await set.OpenReadAsync(name, Ct);
        await stream.CopyToAsync(Stream.Null, Ct);
    }

    private static string Sha256OfSeeded(int seed, int length) => Convert.ToHexStringLower(SHA256.HashData(SeededContent.Bytes(seed, length)));
}

public sealed class LocalArtifactSetConformanceTests() : ArtifactSetConformanceTests(StoreUnderTest.Local());

public sealed class BlobArtifactSetConformanceTests(AzuriteFixture azurite) : ArtifactSetConformanceTests(StoreUnderTest.Blob(azurite));
