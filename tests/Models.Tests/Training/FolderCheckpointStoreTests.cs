using RankDistill.Models.Training;

namespace RankDistill.Models.Tests.Training;

public sealed class FolderCheckpointStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Local(string name, params (string File, string Text)[] files)
    {
        var dir = Path.Combine(_folder, name);
        Directory.CreateDirectory(dir);
        foreach (var (file, text) in files)
            File.WriteAllText(Path.Combine(dir, file), text);
        return dir;
    }

    private FolderCheckpointStore Store() => new(Path.Combine(_folder, "store"));

    [Fact]
    public async Task SaveThenLoad_Files_RoundTripWithManifest()
    {
        var store = Store();
        await store.SaveAsync(123, Local("in", ("a.bin", "alpha"), ("b.json", "{}")), CancellationToken.None);

        var output = Path.Combine(_folder, "out");
        await store.LoadAsync(123, output, CancellationToken.None);

        Assert.Equal([123L], await store.ListStepsAsync(CancellationToken.None));
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(output, "a.bin")));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(output, "b.json")));
        Assert.True(File.Exists(Path.Combine(store.Root, "step-000000123", "manifest.json")));
        var manifest = CheckpointManifest.Parse(File.ReadAllText(Path.Combine(store.Root, "step-000000123", "manifest.json")), "test");
        Assert.Equal(["a.bin", "b.json"], manifest.Files.Select(f => f.Name));
        Assert.Equal(5, manifest.Files[0].Size);
    }

    [Fact]
    public async Task ListSteps_FolderWithoutManifestAndStagingLeftovers_NotListed()
    {
        var store = Store();
        await store.SaveAsync(2, Local("in", ("a", "x")), CancellationToken.None);
        await store.SaveAsync(10, Local("in", ("a", "x")), CancellationToken.None);
        Directory.CreateDirectory(store.PathOf(20));                              // a crash before the manifest
        Directory.CreateDirectory(Path.Combine(store.Root, ".tmp-step-000000030-abc"));

        Assert.Equal([2L, 10L], await store.ListStepsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Load_FlippedByte_ThrowsNamingTheFile()
    {
        var store = Store();
        await store.SaveAsync(5, Local("in", ("weights.bin", "0123456789"), ("state.json", "{}")), CancellationToken.None);
        var path = Path.Combine(store.PathOf(5), "weights.bin");
        var bytes = File.ReadAllBytes(path);
        bytes[3] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var ex = await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.LoadAsync(5, Path.Combine(_folder, "out"), CancellationToken.None));
        Assert.Contains("step-000000005/weights.bin", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_TruncatedOrMissingFile_ThrowsNamingTheFile()
    {
        var store = Store();
        await store.SaveAsync(5, Local("in", ("weights.bin", "0123456789"), ("state.json", "{}")), CancellationToken.None);
        File.WriteAllText(Path.Combine(store.PathOf(5), "weights.bin"), "01234");

        var truncated = await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.LoadAsync(5, Path.Combine(_folder, "out"), CancellationToken.None));
        Assert.Contains("step-000000005/weights.bin: 5 bytes", truncated.Message, StringComparison.Ordinal);

        File.Delete(Path.Combine(store.PathOf(5), "state.json"));
        File.WriteAllText(Path.Combine(store.PathOf(5), "weights.bin"), "0123456789");
        var missing = await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.LoadAsync(5, Path.Combine(_folder, "out2"), CancellationToken.None));
        Assert.Contains("step-000000005/state.json", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ManifestNotJson_ThrowsNamingTheManifest()
    {
        var store = Store();
        await store.SaveAsync(5, Local("in", ("a", "x")), CancellationToken.None);
        File.WriteAllText(Path.Combine(store.PathOf(5), "manifest.json"), "{ not json");

        var ex = await Assert.ThrowsAsync<CorruptCheckpointException>(() => store.LoadAsync(5, Path.Combine(_folder, "out"), CancellationToken.None));
        Assert.Contains("step-000000005/manifest.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_SameStepAgain_ReplacesAndDeleteIsIdempotent()
    {
        var store = Store();
        await store.SaveAsync(1, Local("in1", ("a", "old")), CancellationToken.None);
        await store.SaveAsync(1, Local("in2", ("a", "new")), CancellationToken.None);
        await store.LoadAsync(1, Path.Combine(_folder, "out"), CancellationToken.None);
        Assert.Equal("new", File.ReadAllText(Path.Combine(_folder, "out", "a")));

        await store.DeleteAsync(1, CancellationToken.None);
        await store.DeleteAsync(1, CancellationToken.None);
        Assert.Empty(await store.ListStepsAsync(CancellationToken.None));
        Assert.Empty(Directory.EnumerateDirectories(store.Root));
    }
}
