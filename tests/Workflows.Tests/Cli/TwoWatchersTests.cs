using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using RankDistill.Testing;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// The README's promise that a drop never starts twice "when two hosts watch the same store": two
/// <c>worker --watch</c> processes on one store and one task hub (SQLite file; Azure Storage on Azurite), a drop lands,
/// and its pipeline runs once: one instance, one execution, PrepareData once, although both scanned the drop after the
/// run existed.
/// </summary>
public sealed class TwoWatchersTests(AzuriteFixture azurite)
{
    private const string DropId = "raced";
    private const string RunId = $"pipeline-{DropId}";
    private const string Started = $"Drop {DropId} is complete: started pipeline {RunId}";
    private const string Exists = $"Drop {DropId} already has pipeline {RunId} (";

    public static TheoryData<bool> Providers => [false, true];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TwoWatchingWorkers_DropLands_ItsPipelineRunsOnce(bool azureStorage)
    {
        using var data = new TemporaryFolder();
        var settings = azureStorage
            ? new Dictionary<string, string?>
            {
                ["TaskHub:Kind"] = "AzureStorage",
                ["TaskHub:Name"] = $"race{Guid.NewGuid():N}"[..16],
                ["TaskHub:ConnectionString"] = azurite.ConnectionString,
                ["Storage:Kind"] = "Blob",
                ["Storage:ConnectionString"] = azurite.ConnectionString,
                ["Storage:ContainerPrefix"] = AzuriteFixture.NewContainerPrefix(),
            }
            : [];
        // Default queue only: the run goes as far as its first GPU step and waits there; this test is about instances.
        // The watcher says at Debug level that a drop it scans already has its run.
        string[] args = ["worker", "--watch", "--queues", "default=1", "--data", data.Path, "--Pipeline:Preset=Tiny", "--Pipeline:WatchInterval=00:00:00.500",
            "--Logging:LogLevel:RankDistill.Workflows.Orchestrations.ClickLogWatcher=Debug", .. settings.Select(s => $"--{s.Key}={s.Value}")];
        using var first = HostProcess.Start(data.Path, args);
        using var second = HostProcess.Start(data.Path, args);
        foreach (var worker in new[] { first, second })
        {
            await worker.WaitUntilAsync(() => Task.FromResult(worker.Output.Contains("watching clicklogs/ for complete drops", StringComparison.Ordinal)),
                "the worker's start line", TimeSpan.FromMinutes(2));
        }
        await using var hub = await PipelineTestHost.StartAsync(data.Path, settings, worker: false);

        await TinyWorld.WriteDropAsync(hub.Store, DropId);

        // Each has scanned the drop after its run existed, and the run went on past PrepareData: any second start
        // message was handled before the messages that run sent.
        foreach (var worker in new[] { first, second })
            await worker.WaitUntilAsync(() => Task.FromResult(worker.Output.Contains(Exists, StringComparison.Ordinal)), $"a scan finding {RunId}", TimeSpan.FromMinutes(2));
        await Poll.UntilAsync(async () => (await PipelineHistory.ReadAsync(hub.Client, RunId)).Attempts("ContinuedPretraining") > 0, $"{RunId} past PrepareData", TimeSpan.FromMinutes(2));

        var instances = await hub.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "pipeline-" }).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([RunId], instances.Select(i => i.InstanceId));
        var history = await hub.Client.GetOrchestrationHistoryAsync(RunId, TestContext.Current.CancellationToken);
        Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Equal(1, (await PipelineHistory.ReadAsync(hub.Client, RunId)).Attempts("PrepareData"));
        var starts = new[] { first, second }.Sum(w => Lines(w.Output, Started));
        TestContext.Current.TestOutputHelper?.WriteLine($"watchers that reported starting {RunId}: {starts}");
        // SQLite refuses the second create, so one watcher alone says it started the run. On Azure Storage the create
        // is a read then a write: both may send a start message, and the runtime drops the second as a duplicate
        // (DurableTask.AzureStorage event 108); the single execution above is what the README promises there.
        if (!azureStorage)
            Assert.True(starts == 1, $"{starts} starts:\n--- first ---\n{first.Output}\n--- second ---\n{second.Output}");
    }

    private static int Lines(string output, string text) => output.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));
}
