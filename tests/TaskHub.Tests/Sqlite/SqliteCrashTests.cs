using DurableTask.Core.Serializing;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.TaskHub.TestWorker;

namespace RankDistill.TaskHub.Tests.Sqlite;

/// <summary>
/// Worker processes on one SQLite file killed with SIGKILL mid-work; a second process finishes the instance with every
/// result. This process only schedules and reads (a client, no worker).
/// </summary>
public sealed class SqliteCrashTests : IAsyncLifetime
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(60);
    private readonly SqliteHub _hub = new("crash");
    private readonly List<TestWorkerProcess> _workers = [];

    private string Journal => Path.Combine(_hub.Folder, "journal.log");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
            worker.Dispose();
        await _hub.DisposeAsync();
    }

    [Fact]
    public async Task KilledDuringAnActivity_SecondProcessRunsItAgain_AndFinishesWithEveryResult()
    {
        var first = await StartAsync("first", "--hold-forever");
        var instance = await _hub.StartAsync(typeof(CrashFlow), "go");
        await JournalHasAsync("hold 2 first", first);

        first.Kill();
        await StartAsync("second");

        var state = await _hub.CompletedAsync(instance.InstanceId, _deadline);
        Assert.Equal([1, 4, 9], JsonDataConverter.Default.Deserialize<int[]>(state.Output));
        var journal = CrashWorld.Read(Journal);
        Assert.Equal(["step 1 first"], journal.Where(l => l.StartsWith("step 1 ", StringComparison.Ordinal)));
        Assert.Equal(["hold 2 first", "hold 2 second"], journal.Where(l => l.StartsWith("hold ", StringComparison.Ordinal)));
        Assert.Equal(["step 3 second"], journal.Where(l => l.StartsWith("step 3 ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task KilledDuringAnOrchestrationStep_SecondProcessReplaysIt_NoActivityRunsTwice()
    {
        var first = await StartAsync("first", "--stall-orchestration");
        var instance = await _hub.StartAsync(typeof(FanIn), 10);
        await JournalHasAsync("stalled first", first);

        first.Kill();
        await StartAsync("second");

        var state = await _hub.CompletedAsync(instance.InstanceId, _deadline);
        Assert.Equal([.. Enumerable.Range(1, 10).Select(i => i * i), 10_000], JsonDataConverter.Default.Deserialize<int[]>(state.Output));
        // The ten results were in the first process's inbox when it died: replayed, never run again.
        var steps = CrashWorld.Read(Journal).Where(l => l.StartsWith("step ", StringComparison.Ordinal));
        var expected = Enumerable.Range(1, 10).Select(i => $"step {i} first").Append("step 100 second");
        Assert.Equal(expected.Order(StringComparer.Ordinal), steps.Order(StringComparer.Ordinal));
    }

    private async Task<TestWorkerProcess> StartAsync(string name, params string[] flags)
    {
        var worker = TestWorkerProcess.Start(_hub, Journal, name, flags);
        _workers.Add(worker);
        await JournalHasAsync($"ready {name}", worker);
        return worker;
    }

    private Task JournalHasAsync(string line, TestWorkerProcess worker) =>
        Eventually.TrueAsync(() => CrashWorld.Read(Journal).Contains(line), _deadline, () => $"'{line}' in the journal; worker output: {worker.Output}");
}
