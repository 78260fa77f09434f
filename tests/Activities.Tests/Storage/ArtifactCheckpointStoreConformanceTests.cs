using RankDistill.Activities.Storage;
using RankDistill.Models.Training;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>The trainer's checkpoint store on top of each artifact store.</summary>
public abstract class ArtifactCheckpointStoreConformanceTests(StoreUnderTest target) : IAsyncDisposable
{
    private const string Prefix = "runs/r1/checkpoints/distill";
    private readonly string _scratch = Directory.CreateTempSubdirectory("rankdistill-ckpt-").FullName;
    private IArtifactStore Store => target.Store;

    private ArtifactCheckpointStore Checkpoints => new(Store, Prefix);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Directory.Delete(_scratch, recursive: true);
        return target.DisposeAsync();
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_RestoresEveryFileAndSubfolder()
    {
        var source = MakeCheckpointFolder("source", 2 << 20);

        await Checkpoints.SaveAsync(7, source, Ct);
        var restored = Path.Combine(_scratch, "restored");
        await Checkpoints.LoadAsync(7, restored, Ct);

        Assert.Equal(Snapshot(source), Snapshot(restored));
    }

    [Fact]
    public async Task ListStepsAsync_SavedSteps_AscendingWhateverTheirDigits()
    {
        var source = MakeCheckpointFolder("source", 10);
        foreach (var step in new long[] { 42, 1_000_000_000, 5 })
            await Checkpoints.SaveAsync(step, source, Ct);

        Assert.Equal([5L, 42L, 1_000_000_000L], await Checkpoints.ListStepsAsync(Ct));
        Assert.NotNull(await Store.OpenSetAsync($"{Prefix}/step-000000042", Ct));
    }

    [Fact]
    public async Task ListStepsAsync_SaveThatCrashedBeforeItsManifest_IsNotListed()
    {
        await Checkpoints.SaveAsync(1, MakeCheckpointFolder("source", 10), Ct);
        await Store.WriteAsync($"{Prefix}/step-000000002/model.bin", new byte[10], Ct);

        Assert.Equal([1L], await Checkpoints.ListStepsAsync(Ct));
    }

    [Fact]
    public async Task LoadAsync_FileTampered_ThrowsCorruptCheckpointNamingTheFileAndLeavesNoCopy()
    {
        await Checkpoints.SaveAsync(3, MakeCheckpointFolder("source", 1000), Ct);
        await Store.WriteAsync($"{Prefix}/step-000000003/weights/model.bin", new byte[1000], Ct);
        var restored = Path.Combine(_scratch, "restored");

        var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => Checkpoints.LoadAsync(3, restored, Ct));

        Assert.Contains($"'{Prefix}/step-000000003/weights/model.bin'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(restored, "weights", "model.bin")));
        Assert.Empty(Directory.EnumerateFiles(restored, "*.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task LoadAsync_StepNeverSaved_ThrowsCorruptCheckpointNamingTheManifest()
    {
        var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => Checkpoints.LoadAsync(9, Path.Combine(_scratch, "r"), Ct));

        Assert.Contains($"{Prefix}/step-000000009/manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_SavedAndCrashedSteps_RemovesEverythingOfThem()
    {
        await Checkpoints.SaveAsync(1, MakeCheckpointFolder("source", 10), Ct);
        await Store.WriteAsync($"{Prefix}/step-000000002/orphan.bin", new byte[10], Ct);

        await Checkpoints.DeleteAsync(1, Ct);
        await Checkpoints.DeleteAsync(2, Ct);
        await Checkpoints.DeleteAsync(3, Ct);

        Assert.Empty(await Checkpoints.ListStepsAsync(Ct));
        await foreach (var left in Store.ListAsync(Prefix + "/", Ct))
            Assert.Fail($"left behind: {left.Name}");
    }

    private string MakeCheckpointFolder(string name, int modelBytes)
    {
        var folder = Path.Combine(_scratch, name);
        Directory.CreateDirectory(Path.Combine(folder, "weights"));
        var model = SeededContent.Bytes(modelBytes, modelBytes);
        File.WriteAllBytes(Path.Combine(folder, "weights", "model.bin"), model);
        File.WriteAllText(Path.Combine(folder, "trainer_state.json"), "{\"step\": 7}");
        return folder;
    }

    private static List<(string, string)> Snapshot(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(folder, f), Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))))
            .Order()];
}

public sealed class LocalArtifactCheckpointStoreConformanceTests() : ArtifactCheckpointStoreConformanceTests(StoreUnderTest.Local());

public sealed class BlobArtifactCheckpointStoreConformanceTests(AzuriteFixture azurite)
    : ArtifactCheckpointStoreConformanceTests(StoreUnderTest.Blob(azurite));
