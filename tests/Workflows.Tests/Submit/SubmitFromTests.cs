using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.Activities.Storage;
using RankDistill.Testing;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Demo;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Tests.Dashboard;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Submit;

/// <summary>
/// <c>submit &lt;drop&gt; --from DIR</c> through the host's command line, on a local store and on Blob Storage (Azurite):
/// the folder's files land in the drop layout with <c>_SUCCESS</c>, and the run is scheduled; a folder with problems is
/// refused, each problem named, before anything is copied.
/// </summary>
public sealed class SubmitFromTests(AzuriteFixture azurite)
{
    public static TheoryData<bool> Stores => [false, true];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SubmitFrom_TinyDropFolder_CopiesItWithSuccessMarkerAndSchedulesTheRun(bool blob)
    {
        using var data = new TemporaryFolder();
        var folder = await DropFolderAsync(data.Path);
        var settings = Settings(data.Path, blob);

        var (exit, output, error) = await CliRun.InvokeAsync(["submit", "day-1", "--from", folder, .. settings]);

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        Assert.Contains("Copied 2 click-log file(s) and 1 label file(s) into clicklogs/day-1/ and labels/day-1/", output, StringComparison.Ordinal);
        Assert.Contains("Scheduled pipeline-day-1 (preset Default)", output, StringComparison.Ordinal);
        var store = StoreFor(settings);
        var clickFiles = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList();
        var labelFiles = Directory.GetFiles(Path.Combine(folder, "labels"));
        Assert.Equal(
            clickFiles.Select(f => $"clicklogs/day-1/{Path.GetFileName(f)}").Append("clicklogs/day-1/_SUCCESS").Order(StringComparer.Ordinal),
            await NamesAsync(store, "clicklogs/"));
        Assert.Equal(labelFiles.Select(f => $"labels/day-1/{Path.GetFileName(f)}"), await NamesAsync(store, "labels/"));
        foreach (var file in clickFiles)
            Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)), await HashAsync(store, $"clicklogs/day-1/{Path.GetFileName(file)}"));
        foreach (var file in labelFiles)
            Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)), await HashAsync(store, $"labels/day-1/{Path.GetFileName(file)}"));
        // The run is in the task hub, waiting for a worker.
        var status = await CliRun.InvokeAsync(["status", "pipeline-day-1", .. settings]);
        Assert.Contains("Status    Pending", status.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SubmitFrom_UnknownTypesAndAStrayFolder_RefusedEachNamedNothingCopied(bool blob)
    {
        using var data = new TemporaryFolder();
        var folder = await DropFolderAsync(data.Path);
        await File.WriteAllTextAsync(Path.Combine(folder, "clicks.csv"), "query,title\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "labels", "README.txt"), "graded by hand\n", TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(folder, "older"));
        var settings = Settings(data.Path, blob);

        var (exit, output, error) = await CliRun.InvokeAsync(["submit", "day-1", "--from", folder, .. settings]);

        Assert.Equal((ExitCodes.Failure, ""), (exit, output));
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal($"Drop folder '{folder}' cannot be submitted as drop 'day-1'; nothing was copied:", lines[0]);
        Assert.Equal(3, lines.Count - 1);
        Assert.Contains(lines, l => l.Contains($"'{Path.Combine(folder, "clicks.csv")}' is not a data file PrepareData reads (.jsonl, .jsonl.gz, .tsv, .tsv.gz or .parquet)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"'{Path.Combine(folder, "labels", "README.txt")}' is not a data file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"'{Path.Combine(folder, "older")}' is a folder", StringComparison.Ordinal));
        var store = StoreFor(settings);
        Assert.Empty(await NamesAsync(store, "clicklogs/"));
        Assert.Empty(await NamesAsync(store, "labels/"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task SubmitFrom_NoDataFiles_Refused(bool blob)
    {
        using var data = new TemporaryFolder();
        var folder = Directory.CreateDirectory(Path.Combine(data.Path, "empty-drop")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "labels"));
        var settings = Settings(data.Path, blob);

        var (exit, _, error) = await CliRun.InvokeAsync(["submit", "day-1", "--from", folder, .. settings]);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains($"'{folder}' holds no click-log data file (.jsonl, .jsonl.gz, .tsv, .tsv.gz or .parquet) at its top.", error, StringComparison.Ordinal);
        Assert.Contains($"'{Path.Combine(folder, "labels")}' holds no label data file", error, StringComparison.Ordinal);
        Assert.Empty(await NamesAsync(StoreFor(settings), "clicklogs/"));
    }

    [Fact]
    public async Task SubmitFrom_DropAlreadyCompleteInTheStore_RefusedNothingCopied()
    {
        using var data = new TemporaryFolder();
        var settings = Settings(data.Path, blob: false);
        var store = StoreFor(settings);
        await TinyWorld.WriteDropAsync(store, "day-1");
        var before = await InfosAsync(store);
        var folder = await DropFolderAsync(data.Path);

        var (exit, _, error) = await CliRun.InvokeAsync(["submit", "day-1", "--from", folder, .. settings]);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("Drop 'day-1' is already complete in", error, StringComparison.Ordinal);
        Assert.Equal(before, await InfosAsync(store));
    }

    [Fact]
    public async Task CopyAsync_LastFileFails_NoSuccessMarker()
    {
        using var data = new TemporaryFolder();
        var folder = await DropFolderAsync(data.Path);
        var drop = DropFolder.Read(folder, "day-1", out var problems);
        Assert.Empty(problems);
        var store = StoreFor(Settings(data.Path, blob: false));
        var faulty = new FaultyStore(store, drop!.ClickFiles[^1].Name);

        await Assert.ThrowsAsync<IOException>(() => drop.CopyAsync(faulty, TestContext.Current.CancellationToken));

        Assert.Equal(1, faulty.Faults);
        Assert.False(await store.ExistsAsync(drop.Marker, TestContext.Current.CancellationToken));
        Assert.True(await store.ExistsAsync(drop.ClickFiles[0].Name, TestContext.Current.CancellationToken));
    }

    /// <summary>The tiny world's drop as a user has it: its click files at the top of a folder, its labels in labels/.</summary>
    private static async Task<string> DropFolderAsync(string parent)
    {
        var scratch = Directory.CreateDirectory(Path.Combine(parent, "generated")).FullName;
        var files = await SyntheticWeb.WriteDropAsync(TinyWorld.Generate(), scratch, "generated", TestContext.Current.CancellationToken);
        var folder = Directory.CreateDirectory(Path.Combine(parent, "my-drop")).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "labels"));
        foreach (var file in files.Where(f => Path.GetFileName(f) != "_SUCCESS"))
        {
            var target = file.StartsWith("labels", StringComparison.Ordinal) ? Path.Combine(folder, "labels", Path.GetFileName(file)) : Path.Combine(folder, Path.GetFileName(file));
            File.Copy(Path.Combine(scratch, file), target);
        }
        return folder;
    }

    private string[] Settings(string dataRoot, bool blob) => blob
        ? [$"--Data:Root={dataRoot}", "--Storage:Kind=Blob", $"--Storage:ConnectionString={azurite.ConnectionString}", $"--Storage:ContainerPrefix={AzuriteFixture.NewContainerPrefix()}"]
        : [$"--Data:Root={dataRoot}"];

    // The store the command wrote to, from the same settings through the host's configuration and registration.
    private static IArtifactStore StoreFor(string[] settings)
    {
        var configuration = HostConfiguration.Build(settings);
        return new ServiceCollection().AddHostSettings(configuration).AddArtifactStore().BuildServiceProvider().GetRequiredService<IArtifactStore>();
    }

    private static async Task<List<string>> NamesAsync(IArtifactStore store, string prefix) =>
        [.. (await InfosAsync(store, prefix)).Select(i => i.Name)];

    private static async Task<List<ArtifactInfo>> InfosAsync(IArtifactStore store, string prefix = "clicklogs/")
    {
        var infos = new List<ArtifactInfo>();
        await foreach (var info in store.ListAsync(prefix, TestContext.Current.CancellationToken))
            infos.Add(info);
        return infos;
    }

    private static async Task<byte[]> HashAsync(IArtifactStore store, string name) =>
        SHA256.HashData(await store.ReadAllBytesAsync(name, cancellationToken: TestContext.Current.CancellationToken));
}
