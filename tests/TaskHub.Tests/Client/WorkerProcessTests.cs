using RankDistill.TaskHub.Tests.Support;
using RankDistill.TaskHub.TestWorker;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>
/// Worker processes as the product runs them (tests/TaskHub.TestWorker --sdk: AddTaskHub ... AddWorkers) on one hub,
/// this process only a client. Each scenario is a class of its own so that they run at the same time: on Azure Storage a
/// killed worker's orchestrations wait for its partition lease to expire (30 s).
/// </summary>
public abstract class WorkerProcessTests(HostedTaskHub hub) : IAsyncLifetime
{
    protected HostedTaskHub Hub => hub;

    protected WorkerProcesses Workers { get; } = new(hub);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        Workers.Dispose();
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static int[] Squares(IEnumerable<int> values) => [.. values.Select(i => i * i)];
}

/// <summary>Two worker processes share one fan-out.</summary>
public abstract class WorkerProcessScaleOutTests(HostedTaskHub hub) : WorkerProcessTests(hub)
{
    [Fact]
    public async Task TwoProcesses_ShareAFanOut_CompleteItWithEveryResult()
    {
        await Workers.StartAsync("first");
        await Workers.StartAsync("second");

        // 100 > the 66 activities one worker holds at once (2 slots + 64 for GPU steps), and a step ends only once the
        // other worker has taken one: neither can finish the fan-out alone.
        var id = await Hub.ScheduleAsync(nameof(SharedFanOut), 100);

        var state = await Hub.CompletedAsync(id);
        Assert.Equal(Squares(Enumerable.Range(1, 100)), state.ReadOutputAs<int[]>());
        var steps = Workers.Lines("sdk-step ").Select(l => l.Split(' ')).ToList();
        Assert.Equal(Enumerable.Range(1, 100), steps.Select(s => int.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal(["first", "second"], steps.Select(s => s[2]).Distinct().Order(StringComparer.Ordinal));
    }
}

/// <summary>A worker process killed with SIGKILL while it runs an activity; a second process finishes the instance.</summary>
public abstract class WorkerProcessKilledDuringActivityTests(HostedTaskHub hub) : WorkerProcessTests(hub)
{
    [Fact]
    public async Task KilledDuringAnActivity_SecondProcessRunsItAgain_AndFinishesWithEveryResult()
    {
        var first = await Workers.StartAsync("first", "--hold-forever", "--lock-seconds", "10");
        var id = await Hub.ScheduleAsync(nameof(StepHoldStep), "go");
        await Workers.JournalHasAsync("sdk-hold 2 first", first);

        first.Kill();
        await Workers.StartAsync("second");

        var state = await Hub.CompletedAsync(id);
        Assert.Equal(Squares([1, 2, 3]), state.ReadOutputAs<int[]>());
        var stepOne = Workers.Lines("sdk-step 1 ");
        if (Hub.RunsActivitiesExactlyOnce)
            Assert.Equal(["sdk-step 1 first"], stepOne);
        else
            Assert.Equal("sdk-step 1 first", stepOne[0]);
        Assert.Equal(["sdk-hold 2 first", "sdk-hold 2 second"], Workers.Lines("sdk-hold "));
        Assert.Equal(["sdk-step 3 second"], Workers.Lines("sdk-step 3 "));
    }
}

/// <summary>A worker process killed with SIGKILL in the middle of an orchestration step; a second process replays it.</summary>
public abstract class WorkerProcessKilledDuringOrchestrationTests(HostedTaskHub hub) : WorkerProcessTests(hub)
{
    [Fact]
    public async Task KilledDuringAnOrchestrationStep_SecondProcessReplaysIt_NoActivityRunsTwice()
    {
        var first = await Workers.StartAsync("first", "--stall-orchestration", "--lock-seconds", "10");
        var id = await Hub.ScheduleAsync(nameof(StallingFanIn), 10);
        await Workers.JournalHasAsync("sdk-stalled first", first);

        first.Kill();
        await Workers.StartAsync("second");

        var state = await Hub.CompletedAsync(id);
        Assert.Equal([.. Squares(Enumerable.Range(1, 10)), 10_000], state.ReadOutputAs<int[]>() ?? []);
        // The ten results were in the first process's hands when it died: replayed from the hub, never run again.
        var expected = Enumerable.Range(1, 10).Select(i => $"sdk-step {i} first").Append("sdk-step 100 second");
        Assert.Equal(expected.Order(StringComparer.Ordinal), Workers.Lines("sdk-step ").Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteWorkerProcessScaleOutTests() : WorkerProcessScaleOutTests(new SqliteHostedTaskHub());

public sealed class AzureStorageWorkerProcessScaleOutTests(AzuriteFixture azurite) : WorkerProcessScaleOutTests(new AzureStorageHostedTaskHub(azurite));

public sealed class SqliteWorkerProcessKilledDuringActivityTests() : WorkerProcessKilledDuringActivityTests(new SqliteHostedTaskHub());

public sealed class AzureStorageWorkerProcessKilledDuringActivityTests(AzuriteFixture azurite) : WorkerProcessKilledDuringActivityTests(new AzureStorageHostedTaskHub(azurite));

public sealed class SqliteWorkerProcessKilledDuringOrchestrationTests() : WorkerProcessKilledDuringOrchestrationTests(new SqliteHostedTaskHub());

public sealed class AzureStorageWorkerProcessKilledDuringOrchestrationTests(AzuriteFixture azurite) : WorkerProcessKilledDuringOrchestrationTests(new AzureStorageHostedTaskHub(azurite));
