using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Hosting;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Dashboard;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The watcher on a real local store and SQLite task hub, with no worker: what it schedules stays in the hub to be
/// counted. A restart is a new host process on the same data folder.
/// </summary>
public sealed class ClickLogWatcherTests
{
    // Short, so that a test sees several scans; each test waits for what a scan did, never for the interval.
    private static readonly TimeSpan _watchInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task ScanAsync_DropWithoutSuccessMarker_StartsNothing()
    {
        using var data = new TemporaryFolder();
        await using var host = await PipelineTestHost.StartAsync(data.Path, worker: false);
        await WriteDropFilesAsync(host.Store, "arriving", complete: false);

        var started = await Watcher(host).ScanAsync(TestContext.Current.CancellationToken);

        Assert.Empty(started);
        Assert.Null(await host.Client.GetInstanceAsync(DistillationPipeline.InstanceIdFor("arriving"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ScanAsync_CompleteDropSeenAgainAndAfterRestart_StartsExactlyOnePipeline()
    {
        using var data = new TemporaryFolder();
        await using (var host = await PipelineTestHost.StartAsync(data.Path, worker: false))
        {
            await WriteDropFilesAsync(host.Store, "d1", complete: true);
            await WriteDropFilesAsync(host.Store, "d2", complete: false);

            Assert.Equal(["pipeline-d1"], await Watcher(host).ScanAsync(TestContext.Current.CancellationToken));
            Assert.Empty(await Watcher(host).ScanAsync(TestContext.Current.CancellationToken));

            var input = (await host.Client.GetInstanceAsync("pipeline-d1", getInputsAndOutputs: true, TestContext.Current.CancellationToken))!.ReadInputAs<PipelineInput>()!;
            Assert.Equal(new PipelineInput("pipeline-d1", "d1", PipelineSettings.Tiny), input);
        }

        await using var restarted = await PipelineTestHost.StartAsync(data.Path, worker: false);
        Assert.Empty(await Watcher(restarted).ScanAsync(TestContext.Current.CancellationToken));
        await WriteDropFilesAsync(restarted.Store, "d2", complete: true);
        Assert.Equal(["pipeline-d2"], await Watcher(restarted).ScanAsync(TestContext.Current.CancellationToken));

        var instances = await restarted.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "pipeline-" }).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["pipeline-d1", "pipeline-d2"], instances.Select(i => i.InstanceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AddClickLogWatcher_HostStarts_ScansAndStartsTheCompleteDrop()
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(Path.Combine(data.Path, "store"));
        await WriteDropFilesAsync(store, "ready", complete: true);

        await using var host = await PipelineTestHost.StartAsync(data.Path, worker: false,
            services: s => s.AddClickLogWatcher(new PipelineOptions { Settings = PipelineSettings.Tiny, WatchInterval = TimeSpan.FromHours(1) }));

        // The hosted watcher's first scan runs at start (the next is an hour away): it finds the drop and starts it.
        OrchestrationMetadata? started = null;
        await Poll.UntilAsync(async () => (started = await host.Client.GetInstanceAsync("pipeline-ready", getInputsAndOutputs: true, TestContext.Current.CancellationToken)) is not null,
            "pipeline-ready started by the watcher", TimeSpan.FromMinutes(2));
        Assert.Equal(nameof(DistillationPipeline), started!.Name);
        Assert.Equal("ready", started.ReadInputAs<PipelineInput>()!.DropId);
    }

    [Fact]
    public async Task AddClickLogWatcher_DropLandsAfterTheFirstScan_ALaterScanStartsIt()
    {
        using var data = new TemporaryFolder();
        var store = new LocalArtifactStore(Path.Combine(data.Path, "store"));
        await WriteDropFilesAsync(store, "early", complete: true);
        await using var host = await StartWatchingAsync(data.Path, new LogCapture());

        // pipeline-early exists once the first scan has listed the drops: "late" lands after that listing.
        await WaitForInstanceAsync(host, "pipeline-early");
        await WriteDropFilesAsync(host.Store, "late", complete: true);

        var late = await WaitForInstanceAsync(host, "pipeline-late");
        Assert.Equal("late", late.ReadInputAs<PipelineInput>()!.DropId);
    }

    [Fact]
    public async Task AddClickLogWatcher_ListingFails_LogsItAndTheNextScanStartsTheDrop()
    {
        using var data = new TemporaryFolder();
        var storeRoot = Path.Combine(data.Path, "store");
        // clicklogs/ is a symbolic link, which the local store refuses to list: every scan fails for real until the
        // folder is put in its place.
        var elsewhere = Path.Combine(data.Path, "clicklogs-elsewhere");
        await WriteDropFilesAsync(new LocalArtifactStore(storeRoot), "waiting", complete: true);
        Directory.Move(Path.Combine(storeRoot, ClickLogWatcher.DropArea), elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(storeRoot, ClickLogWatcher.DropArea), elsewhere);
        var logs = new LogCapture();
        await using var host = await StartWatchingAsync(data.Path, logs);

        var failed = $"Click-log watcher: listing drops in local store '{storeRoot}' failed; trying again in {_watchInterval}";
        await Poll.UntilAsync(() => Task.FromResult(logs.Messages.Contains(failed)), "the failed scan logged", TimeSpan.FromMinutes(2));
        Assert.Null(await host.Client.GetInstanceAsync("pipeline-waiting", TestContext.Current.CancellationToken));
        Directory.Delete(Path.Combine(storeRoot, ClickLogWatcher.DropArea));
        Directory.Move(elsewhere, Path.Combine(storeRoot, ClickLogWatcher.DropArea));

        var started = await WaitForInstanceAsync(host, "pipeline-waiting");
        Assert.Equal("waiting", started.ReadInputAs<PipelineInput>()!.DropId);
        Assert.Contains("Drop waiting is complete: started pipeline pipeline-waiting", logs.Messages);
    }

    /// <summary>A client-only host whose hosted watcher scans every <see cref="_watchInterval"/>, logging into <paramref name="logs"/>.</summary>
    private static Task<PipelineTestHost> StartWatchingAsync(string dataRoot, LogCapture logs) =>
        PipelineTestHost.StartAsync(dataRoot, worker: false, services: s => s
            .AddSingleton<ILoggerProvider>(logs)
            .AddClickLogWatcher(new PipelineOptions { Settings = PipelineSettings.Tiny, WatchInterval = _watchInterval }));

    private static async Task<OrchestrationMetadata> WaitForInstanceAsync(PipelineTestHost host, string instanceId)
    {
        OrchestrationMetadata? instance = null;
        await Poll.UntilAsync(async () => (instance = await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, TestContext.Current.CancellationToken)) is not null,
            $"{instanceId} started by the watcher", TimeSpan.FromMinutes(2));
        return instance!;
    }

    private static ClickLogWatcher Watcher(PipelineTestHost host) =>
        new(host.Store, host.Client, host.Settings.Pipeline.Settings, NullLogger<ClickLogWatcher>.Instance);

    // The watcher reads names only: the files' content does not matter here.
    private static async Task WriteDropFilesAsync(IArtifactStore store, string dropId, bool complete)
    {
        var ct = TestContext.Current.CancellationToken;
        await store.WriteAsync($"labels/{dropId}/labels.jsonl", "{}\n"u8.ToArray(), ct);
        await store.WriteAsync($"clicklogs/{dropId}/part-00000.jsonl", "{}\n"u8.ToArray(), ct);
        if (complete)
            await store.WriteAsync($"clicklogs/{dropId}/_SUCCESS", ReadOnlyMemory<byte>.Empty, ct);
    }
}
