using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.Activities.Storage;
using RankDistill.Testing;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Tests.Dashboard;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Runs;

/// <summary><c>runs</c> through the host's command line, on a local store and on Blob Storage (Azurite).</summary>
public sealed class RunsCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Runs_LocalStore_ListsCompletedRunsInOrderWithDecisionsAndThePublishedModel()
    {
        using var data = new TemporaryFolder();
        var drops = await ThreeDrops.WriteAsync(StoreFor(["--Data:Root=" + data.Path]));

        var (exit, output, error) = await CliRun.InvokeAsync("runs", "--data", data.Path);

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        CheckTable(output, drops);
    }

    [Fact]
    public async Task Runs_BlobStore_ListsTheSameFromTheContainers()
    {
        using var data = new TemporaryFolder();
        string[] blob = ["--Storage:Kind=Blob", $"--Storage:ConnectionString={azurite.ConnectionString}", $"--Storage:ContainerPrefix={AzuriteFixture.NewContainerPrefix()}"];
        var drops = await ThreeDrops.WriteAsync(StoreFor([$"--Data:Root={data.Path}", .. blob]));

        var (exit, output, error) = await CliRun.InvokeAsync(["runs", "--data", data.Path, .. blob]);

        Assert.Equal((ExitCodes.Success, ""), (exit, error));
        CheckTable(output, drops);
    }

    [Fact]
    public async Task Runs_EmptyStore_SaysSo()
    {
        using var data = new TemporaryFolder();

        var (exit, output, _) = await CliRun.InvokeAsync("runs", "--data", data.Path);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.StartsWith("No completed runs in ", output, StringComparison.Ordinal);
    }

    private static void CheckTable(string output, ThreeDrops drops)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(["RUN", "DROP", "COMPLETED", "TEACHER_NDCG5", "STUDENT_NDCG5", "BM25_NDCG5", "TEACHER_PNR", "STUDENT_PNR", "BM25_PNR", "STUDENT_SPEEDUP",
            "PROMOTED", "PUBLISHED_BEFORE", "REASON"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        // Completed runs only, oldest first; the failed and the running run are not listed.
        Assert.Equal(5, lines.Count);
        Assert.DoesNotContain("day-2-broken", output, StringComparison.Ordinal);
        Assert.DoesNotContain("day-4", output, StringComparison.Ordinal);
        foreach (var (run, line) in drops.All.Zip(lines.Skip(1)))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var isCurrent = run == drops.Day3;
            Assert.Equal(run.RunId, cells[0]);
            var rest = isCurrent ? cells[2..] : cells[1..];
            if (isCurrent)
                Assert.Equal("*", cells[1]);
            var r = run.Report;
            Assert.Equal([run.DropId, run.CompletedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), run.CompletedAt.ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture), F3(r.Teacher.Ndcg5), F3(r.Student.Ndcg5), F3(r.Bm25.Ndcg5),
                F3(r.Teacher.Pnr), F3(r.Student.Pnr), F3(r.Bm25.Pnr), r.Throughput.Speedup.ToString("F1", CultureInfo.InvariantCulture),
                run.Promoted ? "true" : "false", run.PublishedBefore ?? "-"], rest[..12]);
            Assert.EndsWith(run.Reason, line, StringComparison.Ordinal);
        }
        Assert.Equal("pipeline-day-1", drops.Day2.PublishedBefore);
        Assert.Equal("* published: pipeline-day-3 (models/published/pipeline-day-3)", lines[^1]);
    }

    private static string F3(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    // The store the command will read: the same settings through the host's own configuration and registration.
    private static IArtifactStore StoreFor(string[] settings)
    {
        var configuration = HostConfiguration.Build(settings);
        HostSettings.Load(configuration);
        return new ServiceCollection().AddHostSettings(configuration).AddArtifactStore().BuildServiceProvider().GetRequiredService<IArtifactStore>();
    }
}
