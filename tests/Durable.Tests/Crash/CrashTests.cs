using System.Globalization;
using RankDistill.Durable.History;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Crash;

/// <summary>
/// Real worker processes on one SQLite file, killed with SIGKILL mid-work; another process
/// finishes. The test process only schedules and reads (a client without a worker).
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(60);
    private readonly TempFolder _folder = new();
    private TestHub _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Database => _folder.File("hub.db");

    public async ValueTask InitializeAsync() =>
        _client = await TestHub.StartAsync(_ => { }, databasePath: Database, runWorker: false);

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task WorkerKilledDuringActivity_NextWorkerResumesFromHeartbeat_CompletedStepsNotRerun()
    {
        var log = _folder.File("run.log");
        using var first = await StartReadyAsync(log, "first");
        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("CrashChain", 30, cancellationToken: Ct);
        var progress = await Eventually.WaitAsync(async () =>
        {
            var running = (await _client.Client.GetPendingWorkAsync(id, Ct)).FirstOrDefault(w => w.Name == "Long" && w.HeartbeatDetails is not null);
            return running is not null && int.Parse(running.HeartbeatDetails!, CultureInfo.InvariantCulture) >= 3 ? running : null;
        }, _deadline, "the long step to report progress");
        var savedStep = int.Parse(progress.HeartbeatDetails!, CultureInfo.InvariantCulture);

        first.Kill();
        using var second = await StartReadyAsync(log, "second");
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{second.Output}");
        Assert.Equal(1, ExecutionLogFile.Count(log, "Step one "));
        Assert.Equal(1, ExecutionLogFile.Count(log, "Step three "));
        var starts = ExecutionLogFile.Read(log).Where(l => l.StartsWith("Long start", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal("Long start from=0 worker=first dispatch=1", starts[0]);
        var resumedFrom = int.Parse(starts[1].Split(' ')[2]["from=".Length..], CultureInfo.InvariantCulture);
        Assert.True(resumedFrom >= savedStep, $"resumed from {resumedFrom}, but step {savedStep} had been saved");
        Assert.EndsWith("worker=second dispatch=2", starts[1], StringComparison.Ordinal);
        Assert.Equal($"one|resumed from {resumedFrom}|three", done.ReadOutputAs<string>());

        var history = await _client.Client.GetHistoryAsync(id, Ct);
        var longTask = history.OfType<TaskScheduled>().Single(t => t.Name == "Long").TaskId;
        Assert.Equal([(1, "first"), (2, "second")], history.OfType<TaskStarted>().Where(s => s.TaskId == longTask).Select(s => (s.DispatchCount, s.WorkerId)));
        AssertEachTaskCompletedOnce(history);
    }

    [Fact]
    public async Task WorkerKilledWhileStepCommits_NextWorkerFinishes_CompletedActivityNotRerun()
    {
        var log = _folder.File("run.log");
        // The second orchestration commit records Step one's result and schedules Long: die inside it.
        using var first = await StartReadyAsync(log, "first", "--crash-at", "complete-orchestration:2");
        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("CrashChain", 3, cancellationToken: Ct);
        await first.WaitForExitAsync(_deadline);
        Assert.Contains("crash complete-orchestration #2", ExecutionLogFile.Read(log));
        var history = await _client.Client.GetHistoryAsync(id, Ct);
        Assert.Empty(history.OfType<TaskCompleted>());
        Assert.DoesNotContain(history.OfType<TaskScheduled>(), t => t.Name == "Long");

        using var second = await StartReadyAsync(log, "second");
        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{second.Output}");
        Assert.Equal("one|resumed from 0|three", done.ReadOutputAs<string>());
        Assert.Equal(["Step one worker=first dispatch=1"], ExecutionLogFile.Read(log).Where(l => l.StartsWith("Step one", StringComparison.Ordinal)));
        Assert.Equal(1, ExecutionLogFile.Count(log, "Long start"));
        AssertEachTaskCompletedOnce(await _client.Client.GetHistoryAsync(id, Ct));
    }

    [Fact]
    public async Task TwoWorkerProcesses_OneFile_EveryActivityCompletesExactlyOnce()
    {
        var logA = _folder.File("a.log");
        var logB = _folder.File("b.log");
        using var a = await StartReadyAsync(logA, "a");
        using var b = await StartReadyAsync(logB, "b");
        var id = await _client.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 60, cancellationToken: Ct);

        var done = await _client.WaitAsync(id, _deadline);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}\n{a.Output}\n{b.Output}");
        Assert.Equal(Enumerable.Range(0, 60).Sum() * 2, done.ReadOutputAs<int>());
        var executions = ExecutionLogFile.Read(logA).Concat(ExecutionLogFile.Read(logB)).Where(l => l.StartsWith("Work ", StringComparison.Ordinal)).ToList();
        Assert.Equal(60, executions.Count);
        Assert.Equal(60, executions.Select(l => l.Split(' ')[1]).Distinct().Count());
        var history = await _client.Client.GetHistoryAsync(id, Ct);
        AssertEachTaskCompletedOnce(history);
        Assert.Equal(60, history.OfType<TaskStarted>().Count());
        Assert.Equal(["a", "b"], history.OfType<TaskStarted>().Select(s => s.WorkerId).Distinct().Order());
    }

    private async Task<WorkerProcess> StartReadyAsync(string log, string id, params string[] extra)
    {
        var worker = WorkerProcess.Start(Database, log, id, extra);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(ExecutionLogFile.Read(log).Contains($"ready {id}") || worker.HasExited), _deadline, $"worker {id} to start");
            Assert.False(worker.HasExited, worker.Output);
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    private static void AssertEachTaskCompletedOnce(IReadOnlyList<HistoryEvent> history)
    {
        var scheduled = history.OfType<TaskScheduled>().Select(t => t.TaskId).Order().ToList();
        Assert.Equal(scheduled, history.OfType<TaskCompleted>().Select(c => c.TaskId).Order());
        Assert.Empty(history.OfType<TaskFailed>());
    }
}
