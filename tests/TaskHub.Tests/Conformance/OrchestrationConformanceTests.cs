using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Serializing;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Conformance;

/// <summary>What an orchestration does on a provider: activities, fan-out, chains, timers, events, children, continue-as-new.</summary>
public abstract class OrchestrationConformanceTests(HubUnderTest hub) : IAsyncLifetime
{
    protected HubUnderTest Hub => hub;

    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync();

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Activity_ResultBecomesTheOutput()
    {
        var instance = await hub.StartAsync(typeof(Greeting), "world", tags: new Dictionary<string, string> { ["run"] = "r-42" });

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal("Hello, world!", Read<string>(state.Output));
        Assert.Equal("world", Read<string>(state.Input));
        Assert.Equal(NameVersionHelper.GetDefaultName(typeof(Greeting)), state.Name);
        Assert.Equal(instance.ExecutionId, state.OrchestrationInstance.ExecutionId);
        Assert.Equal("r-42", state.Tags?["run"]);
        Assert.True(state.CompletedTime >= state.CreatedTime, $"created {state.CreatedTime:O}, completed {state.CompletedTime:O}");
    }

    [Fact]
    public async Task ScheduledStart_RunsNoEarlierThanItsTime()
    {
        var startAt = DateTime.UtcNow.AddSeconds(3);
        var instance = await hub.TaskHubClient.CreateScheduledOrchestrationInstanceAsync(
            NameVersionHelper.GetDefaultName(typeof(Greeting)), NameVersionHelper.GetDefaultVersion(typeof(Greeting)), HubUnderTest.NewId(), "later", startAt);

        var state = await hub.CompletedAsync(instance.InstanceId);

        var ran = (await hub.HistoryAsync(instance.InstanceId)).OfType<OrchestratorStartedEvent>().First().Timestamp;
        // Azure Storage's queue delays are whole seconds, so it may start up to a second early.
        Assert.True(ran >= startAt.AddSeconds(-1), $"ran at {ran:O}, scheduled for {startAt:O}");
        Assert.Equal("Hello, later!", Read<string>(state.Output));
    }

    [Fact]
    public async Task FanOut200_EveryResultInItsPlace()
    {
        var instance = await hub.StartAsync(typeof(FanOut), 200);

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * i), Read<int[]>(state.Output));
    }

    [Fact]
    public async Task Chain50_EachStepGetsThePreviousResult()
    {
        var instance = await hub.StartAsync(typeof(Chain), 50);

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal(50, Read<int>(state.Output));
        Assert.Equal(50, (await hub.HistoryAsync(instance.InstanceId)).OfType<TaskCompletedEvent>().Count());
    }

    [Fact]
    public async Task DurableTimer_FiresNoEarlierThanDue()
    {
        var instance = await hub.StartAsync(typeof(Sleeper), 3);

        var state = await hub.CompletedAsync(instance.InstanceId);

        var due = Read<DateTime>(state.Output);
        var history = await hub.HistoryAsync(instance.InstanceId);
        var fired = history.FindIndex(e => e is TimerFiredEvent);
        // The step that received the timer began when the timer was delivered (a TimerFiredEvent's own Timestamp
        // is when it was scheduled). Azure Storage's queue delays are whole seconds: its timers may be a second early.
        var delivered = history.Take(fired).OfType<OrchestratorStartedEvent>().Last().Timestamp;
        Assert.True(delivered >= due.AddSeconds(-1), $"delivered at {delivered:O}, due {due:O}");
        Assert.True(state.CompletedTime >= due.AddSeconds(-1), $"completed at {state.CompletedTime:O}, due {due:O}");
    }

    [Fact]
    public async Task ExternalEvent_ResumesTheWaitingOrchestration()
    {
        var instance = await hub.StartAsync(typeof(Approval), "order 7");
        await hub.WaitAsync(instance.InstanceId, s => s.Status == "\"waiting\"");

        await hub.TaskHubClient.RaiseEventAsync(instance, "approve", "alice");

        var state = await hub.CompletedAsync(instance.InstanceId);
        Assert.Equal("order 7 approved by alice", Read<string>(state.Output));
        Assert.Equal("\"approved\"", state.Status);
    }

    [Fact]
    public async Task SubOrchestration_ParentGetsTheChildsResult()
    {
        var instance = await hub.StartAsync(typeof(Parent), 10);

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal(Enumerable.Range(0, 10).Sum(i => i * i), Read<int>(state.Output));
        var child = await hub.CompletedAsync($"{instance.InstanceId}-child");
        Assert.Equal(instance.InstanceId, child.ParentInstance?.OrchestrationInstance.InstanceId);
        Assert.Equal(NameVersionHelper.GetDefaultName(typeof(FanOut)), child.Name);
    }

    [Fact]
    public async Task ContinueAsNew_StartsANewExecutionWithOnlyItsOwnHistory()
    {
        var instance = await hub.StartAsync(typeof(Countdown), new CountdownState(3, 0));

        var state = await hub.CompletedAsync(instance.InstanceId);

        Assert.Equal(9 + 4 + 1 + 0, Read<int>(state.Output));
        Assert.NotEqual(instance.ExecutionId, state.OrchestrationInstance.ExecutionId);
        var history = await hub.HistoryAsync(instance.InstanceId);
        var started = history.OfType<ExecutionStartedEvent>().Single();
        Assert.Equal(new CountdownState(0, 14), Read<CountdownState>(started.Input));
        Assert.Single(history.OfType<TaskScheduledEvent>());
    }

    protected static T Read<T>(string? json) => JsonDataConverter.Default.Deserialize<T>(json!);
}

public sealed class SqliteOrchestrationTests() : OrchestrationConformanceTests(new SqliteHub());

public sealed class AzureStorageOrchestrationTests(AzuriteFixture azurite) : OrchestrationConformanceTests(new AzureStorageHub(azurite));
