using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Crash;
using RankDistill.Durable.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>
/// Real worker processes (tests/Durable.TestWorker) on one PostgreSQL hub, killed with SIGKILL where the test
/// says; the test process only schedules and reads (a client without a worker). Exactly-once is judged from
/// the history: each activity has one TaskCompleted, whatever ran twice.
/// </summary>
public sealed class PostgresScaleOutTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int FanOut = 300;
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(90);
    private readonly string _schema = Pg.NewSchema();
    private readonly TempFolder _folder = new();
    private readonly List<WorkerProcess> _workers = [];
    private string _connectionString = "";
    private PostgresHost _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.DatabaseAsync("scaleout");
        _client = await PostgresHost.StartAsync(_connectionString, _schema, _ => { });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
            worker.Dispose();
        await _client.DisposeAsync();
        await Pg.DropSchemaAsync(_connectionString, _schema);
        _folder.Dispose();
    }

    [Fact]
    public async Task ThreeWorkerProcesses_FanOut300_EveryActivityExactlyOnce()
    {
        var logs = new[] { "a", "b", "c" }.ToDictionary(id => id, id => _folder.File($"{id}.log"));
        await Task.WhenAll(logs.Select(l => StartReadyAsync(l.Value, l.Key)));

        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", FanOut, cancellationToken: Ct);
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{Output()}");
        Assert.Equal(Enumerable.Range(0, FanOut).Sum() * 2, done.ReadOutputAs<int>());
        var executions = logs.Values.SelectMany(ExecutionLogFile.Read).Where(l => l.StartsWith("Work ", StringComparison.Ordinal)).ToList();
        Assert.Equal(FanOut, executions.Count);
        Assert.Equal(FanOut, executions.Select(l => l.Split(' ')[1]).Distinct().Count());
        var history = await _client.Client.GetHistoryAsync(id, Ct);
        AssertEachTaskCompletedOnce(history, FanOut);
        Assert.Equal(FanOut, history.OfType<TaskStarted>().Count());
        Assert.Equal(["a", "b", "c"], history.OfType<TaskStarted>().Select(s => s.WorkerId).Distinct().Order());
    }

    [Fact]
    public async Task OneOfThreeWorkersKilledMidRun_OthersFinishItsItemsOnceItsLeasesExpire()
    {
        string[] lease = ["--lease-seconds", "2", "--lock-seconds", "2"];
        var logs = new[] { "victim", "b", "c" }.ToDictionary(id => id, id => _folder.File($"{id}.log"));
        // The victim's items take 1.5 s, so once it has started a third it holds items for most of a second and a
        // half: killed then, it surely dies holding some. (With 60 ms items like the others' it sometimes died in the
        // moment between finishing its items and locking the next, and the test had nothing to watch.)
        var started = await Task.WhenAll(logs.Select(l => StartReadyAsync(l.Value, l.Key, [.. lease, "--work-ms", l.Key == "victim" ? "1500" : "60"])));
        var victim = started[Array.IndexOf([.. logs.Keys], "victim")];

        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", FanOut, cancellationToken: Ct);
        await Eventually.TrueAsync(() => Task.FromResult(ExecutionLogFile.Count(logs["victim"], "Work ") >= 3), _deadline, "the victim to be busy");
        victim.Kill();
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{Output()}");
        Assert.Equal(Enumerable.Range(0, FanOut).Sum() * 2, done.ReadOutputAs<int>());
        var history = await _client.Client.GetHistoryAsync(id, Ct);
        AssertEachTaskCompletedOnce(history, FanOut);
        // The items the victim held when it died went to a survivor on their second dispatch.
        var starts = history.OfType<TaskStarted>().GroupBy(s => s.TaskId).ToList();
        var taken = starts.Where(g => g.Any(s => s is { WorkerId: "victim", DispatchCount: 1 }) && g.Any(s => s is { WorkerId: not "victim", DispatchCount: 2 })).ToList();
        Assert.NotEmpty(taken);
        var survivors = ExecutionLogFile.Read(logs["b"]).Concat(ExecutionLogFile.Read(logs["c"])).ToList();
        Assert.All(taken, g => Assert.Contains(survivors, l => l.StartsWith($"Work {g.Key} ", StringComparison.Ordinal) && l.EndsWith("dispatch=2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WorkerServingGpuQueue_TakesOnlyGpuItems()
    {
        const int n = 10;
        var gpuLog = _folder.File("gpu.log");
        var cpuLog = _folder.File("cpu.log");
        await StartReadyAsync(gpuLog, "gpu", "--queues", "gpu");
        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("Routed", n, cancellationToken: Ct);

        // Alone, the gpu worker runs the gpu half and leaves the default half queued, untouched.
        var scheduled = await Eventually.WaitAsync(async () =>
        {
            var history = await _client.Client.GetHistoryAsync(id, Ct);
            var byQueue = history.OfType<TaskScheduled>().ToLookup(t => t.Queue, t => t.TaskId);
            var completed = history.OfType<TaskCompleted>().Select(c => c.TaskId).ToHashSet();
            return byQueue["gpu"].Count() == n && byQueue["gpu"].All(completed.Contains) ? byQueue : null;
        }, _deadline, "the gpu half to complete");
        var waiting = (await _client.Client.GetPendingWorkAsync(id, Ct)).Where(w => w.Queue is not null).ToList();
        Assert.Equal(n, waiting.Count);
        Assert.All(waiting, w => Assert.Equal(("default", 0, false), (w.Queue, w.DispatchCount, w.IsLocked)));

        await StartReadyAsync(cpuLog, "cpu", "--queues", "default");
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{Output()}");
        var gpuRuns = ExecutionLogFile.Read(gpuLog).Where(l => l.StartsWith("Where ", StringComparison.Ordinal)).ToList();
        var cpuRuns = ExecutionLogFile.Read(cpuLog).Where(l => l.StartsWith("Where ", StringComparison.Ordinal)).ToList();
        Assert.Equal(n, gpuRuns.Count);
        Assert.All(gpuRuns, l => Assert.StartsWith("Where gpu ", l, StringComparison.Ordinal));
        Assert.Equal(n, cpuRuns.Count);
        Assert.All(cpuRuns, l => Assert.StartsWith("Where default ", l, StringComparison.Ordinal));
        var starts = (await _client.Client.GetHistoryAsync(id, Ct)).OfType<TaskStarted>().ToList();
        Assert.All(starts, s => Assert.Equal(scheduled["gpu"].Contains(s.TaskId) ? "gpu" : "cpu", s.WorkerId));
    }

    [Fact]
    public async Task WorkerKilledWhileStepCommits_NextWorkerFinishes_NothingOfTheStepWasStored()
    {
        var log = _folder.File("run.log");
        // The second step records Step one's result and schedules Long: die just before its COMMIT.
        var first = await StartReadyAsync(log, "first", "--crash-at", "complete-orchestration:2");
        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("CrashChain", 3, cancellationToken: Ct);
        await first.WaitForExitAsync(_deadline);
        Assert.Contains("crash complete-orchestration #2", ExecutionLogFile.Read(log));
        var history = await _client.Client.GetHistoryAsync(id, Ct);
        Assert.Empty(history.OfType<TaskCompleted>());
        Assert.DoesNotContain(history.OfType<TaskScheduled>(), t => t.Name == "Long");

        await StartReadyAsync(log, "second", "--lock-seconds", "2");
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{Output()}");
        Assert.Equal("one|resumed from 0|three", done.ReadOutputAs<string>());
        Assert.Equal(["Step one worker=first dispatch=1"], ExecutionLogFile.Read(log).Where(l => l.StartsWith("Step one", StringComparison.Ordinal)));
        AssertEachTaskCompletedOnce(await _client.Client.GetHistoryAsync(id, Ct), 3);
    }

    private async Task<WorkerProcess> StartReadyAsync(string log, string id, params string[] extra)
    {
        var worker = WorkerProcess.StartWith(log, id, ["--backend", "postgres", "--connection", _connectionString, "--schema", _schema, .. extra]);
        lock (_workers)
            _workers.Add(worker);
        await Eventually.TrueAsync(() => Task.FromResult(ExecutionLogFile.Read(log).Contains($"ready {id}") || worker.HasExited), _deadline, $"worker {id} to start");
        Assert.False(worker.HasExited, worker.Output);
        return worker;
    }

    private string Output()
    {
        lock (_workers)
            return string.Join("\n", _workers.Select(w => w.Output));
    }

    private static void AssertEachTaskCompletedOnce(IReadOnlyList<HistoryEvent> history, int count)
    {
        Assert.Equal(Enumerable.Range(0, count), history.OfType<TaskScheduled>().Select(t => t.TaskId).Order());
        Assert.Equal(Enumerable.Range(0, count), history.OfType<TaskCompleted>().Select(c => c.TaskId).Order());
        Assert.Empty(history.OfType<TaskFailed>());
    }
}
