using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Replay;
using RankDistill.Durable.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>Replay must reproduce recorded histories, or fail saying what differs.</summary>
public sealed class DeterminismTests
{
    private static readonly string _goldenFolder = Path.Combine(RepositoryRoot.Path, "tests", "Durable.Tests", "Golden");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static bool UpdateGolden => Environment.GetEnvironmentVariable("RANKDISTILL_UPDATE_GOLDEN") == "1";

    [Fact]
    public async Task Replay_CodeChangedUnderARunningInstance_FailsNamingBothCalls()
    {
        using var folder = new TempFolder();
        static Action<Hosting.DurableTaskBuilder> Version(string firstCall) => b => b
            .AddActivity<string?, string>("A", (_, _) => Task.FromResult("a"))
            .AddActivity<string?, string>("B", (_, _) => Task.FromResult("b"))
            .AddOrchestrator<string?, string>("Edited", async (ctx, _) =>
                await ctx.CallActivityAsync<string>(firstCall) + await ctx.WaitForExternalEvent<string>("go"));
        string id;
        await using (var before = await TestHub.StartAsync(Version("A"), databasePath: folder.File("hub.db")))
        {
            id = await before.Client.ScheduleNewOrchestrationInstanceAsync("Edited", null, cancellationToken: Ct);
            await Eventually.TrueAsync(async () => (await before.Client.GetHistoryAsync(id, Ct)).OfType<TaskCompleted>().Any(), TimeSpan.FromSeconds(20), "A to complete");
        }

        // A new deployment whose first call changed, while the instance waits.
        await using var after = await TestHub.StartAsync(Version("B"), databasePath: folder.File("hub.db"));
        await after.Client.RaiseEventAsync(id, "go", "!", Ct);
        var done = await after.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("the code called CallActivityAsync('B') but the history holds CallActivityAsync('A')", done.FailureDetails.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GoldenHistory_CurrentCode_ReplaysToTheRecordedResult()
    {
        foreach (var (file, orchestrator) in new (string, ITaskOrchestrator)[] { ("pipeline.json", new GoldenPipeline()), ("pipeline-child.json", new GoldenChild()) })
        {
            var history = Load(file);
            var recorded = history.OfType<ExecutionCompleted>().Single();

            var result = Executor().Execute(orchestrator, "golden", history, [], DateTimeOffset.UnixEpoch);

            var completed = Assert.IsType<CompletedOutcome>(result.Outcome);
            Assert.Equal(recorded.Output, completed.Output);
            Assert.Empty(result.NewActions);
        }
    }

    [Fact]
    public void GoldenHistory_ReorderedCalls_FailsWithTheNonDeterminismError()
    {
        var result = Executor().Execute(new GoldenPipelineReordered(), "golden", Load("pipeline.json"), [], DateTimeOffset.UnixEpoch);

        var failed = Assert.IsType<FailedOutcome>(result.Outcome);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, failed.Failure.ErrorType);
        Assert.Contains("for call #0 the code called CallActivityAsync('Score') but the history holds CallActivityAsync('Prepare')",
            failed.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(result.NewActions);
    }

    [Fact]
    public void GoldenHistory_Truncated_ReplaysAndMakesTheSameNextCalls()
    {
        var history = Load("pipeline.json");
        // Cut right after the three scores were scheduled: the code must schedule nothing new and wait.
        var cut = history.ToList().FindLastIndex(e => e is TaskScheduled { Name: "Score", Attempt: 1 }) + 1;

        var result = Executor().Execute(new GoldenPipeline(), "golden", [.. history.Take(cut)], [], DateTimeOffset.UnixEpoch);

        Assert.Null(result.Outcome);
        Assert.Empty(result.NewActions);
    }

    [Fact(Skip = "Writes Golden/*.json; run with RANKDISTILL_UPDATE_GOLDEN=1 after a deliberate format change", SkipUnless = nameof(UpdateGolden))]
    public async Task GoldenHistory_Record()
    {
        var failedOnce = 0;
        await using var hub = await TestHub.StartAsync(b => b
            .AddOrchestrator<GoldenPipeline>()
            .AddOrchestrator<GoldenChild>()
            .AddActivity<string, string>("Prepare", (_, s) => Task.FromResult($"prepared:{s}"))
            .AddActivity<int, int>("Score", (_, i) => i == 1 && Interlocked.Exchange(ref failedOnce, 1) == 0
                ? throw new IOException("transient read error")
                : Task.FromResult(i * 10)), o =>
                {
                    o.Queues["default"] = 2;
                    o.Queues["gpu"] = 2;
                });
        var id = await hub.Client.ScheduleNewOrchestrationInstanceAsync("GoldenPipeline", "drop-7", new StartOrchestrationOptions { InstanceId = "golden" }, Ct);
        await Eventually.TrueAsync(async () => (await hub.Client.GetHistoryAsync(id, Ct)).OfType<TimerCreated>().Any(t => t.Purpose == TimerCreated.EventTimeoutPurpose),
            TimeSpan.FromSeconds(20), "the approval wait");
        await hub.Client.RaiseEventAsync(id, "approve", true, Ct);
        var done = await hub.WaitAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);

        var child = (await hub.Client.GetHistoryAsync(id, Ct)).OfType<SubOrchestrationCreated>().Single().InstanceId;
        await File.WriteAllTextAsync(Path.Combine(_goldenFolder, "pipeline.json"), HistorySerializer.SerializeList(await hub.Client.GetHistoryAsync(id, Ct)) + "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(_goldenFolder, "pipeline-child.json"), HistorySerializer.SerializeList(await hub.Client.GetHistoryAsync(child, Ct)) + "\n", Ct);
    }

    private static IReadOnlyList<HistoryEvent> Load(string file) =>
        HistorySerializer.DeserializeList(File.ReadAllText(Path.Combine(_goldenFolder, file)));

    private static OrchestrationExecutor Executor() =>
        new(new PayloadConverter(new DurableTaskOptions()), NullLoggerFactory.Instance);
}
