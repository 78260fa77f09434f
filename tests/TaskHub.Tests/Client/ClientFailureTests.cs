using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.TaskHub.Tests.Client;

/// <summary>
/// Failures as the product meets them: a <see cref="RetryPolicy"/> that outlasts a transient error, a failure that
/// <see cref="RetryPolicy.HandleFailure"/> makes final, and the rewind of a failed instance.
/// </summary>
public abstract class ClientFailureTests(HostedTaskHub hub) : IAsyncLifetime
{
    public async ValueTask InitializeAsync() => await hub.StartWorkerAsync("cpu", HostedTaskHub.DefaultQueue);

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task RetryPolicy_ActivityFailsTwiceThenPasses_CompletesOnTheThirdAttempt()
    {
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(RetriesFlaky), new FlakyCall(key, Failures: 2));

        var state = await hub.CompletedAsync(id);

        Assert.Equal("ok after 3 attempts", state.ReadOutputAs<string>());
        Assert.Equal(3, ExecutionLog.Entries(key).Count);
        var history = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(3, history.OfType<TaskScheduledEvent>().Count(e => e.Name == nameof(FailsTimes)));
        var failures = history.OfType<TaskFailedEvent>().ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(typeof(TimeoutException).FullName, f.FailureDetails?.ErrorType));
        Assert.Single(history.OfType<TaskCompletedEvent>());
        // Core waits between attempts on durable timers.
        Assert.Equal(2, history.OfType<TimerFiredEvent>().Count());
    }

    [Fact]
    public async Task HandleFailure_NonRetryableFailure_OneAttempt_ItsTypeInTheInnerFailure()
    {
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(RejectsBadInput), key);

        var state = await hub.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Single(ExecutionLog.Entries(key));
        var history = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Single(history.OfType<TaskScheduledEvent>());
        Assert.Equal(typeof(InvalidDataException).FullName, history.OfType<TaskFailedEvent>().Single().FailureDetails?.ErrorType);
        // The orchestration failed because its call did: the SDK's TaskFailedException, wrapping the activity's own
        // failure. The runtime records both in the history; the client must report both.
        var recorded = history.OfType<ExecutionCompletedEvent>().Single().FailureDetails;
        Assert.Equal((typeof(TaskFailedException).FullName, typeof(InvalidDataException).FullName), (recorded?.ErrorType, recorded?.InnerFailure?.ErrorType));
        var failure = state.FailureDetails;
        Assert.NotNull(failure);
        Assert.Equal(typeof(TaskFailedException).FullName, failure.ErrorType);
        Assert.True(failure.InnerFailure is { } inner && inner.IsCausedBy<InvalidDataException>() && inner.ErrorMessage.Contains(key, StringComparison.Ordinal),
            $"the inner failure is {failure.InnerFailure?.ToString() ?? "missing"}; the failure: {failure}");
    }

    [Fact]
    public async Task Rewind_FailedAfterARetriedStep_CompletesWithoutRedoingTheStepsWork()
    {
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(PrepareThenFinish), key);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.WaitAsync(id)).RuntimeStatus);
        var failedHistory = await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken);
        Assert.Equal(2, failedHistory.OfType<TaskScheduledEvent>().Count(e => e.Name == nameof(Prepare)));
        Finish.Repair(key);

        await hub.Client.RewindInstanceAsync(id, "repaired", TestContext.Current.CancellationToken);

        var state = await hub.CompletedAsync(id);
        Assert.Equal("prepared finished", state.ReadOutputAs<string>());
        Assert.Equal(key, state.ReadInputAs<string>());
        // Prepare was called again (a retried call cannot be replayed in place) but found its work done.
        Assert.Single(ExecutionLog.Entries($"{key}-prepared"));
        Assert.Equal(3, ExecutionLog.Entries($"{key}-prepare").Count);
        Assert.Equal(2, ExecutionLog.Entries($"{key}-finish").Count);
        Assert.Empty((await hub.Client.GetOrchestrationHistoryAsync(id, TestContext.Current.CancellationToken)).OfType<TaskFailedEvent>());
    }

    [Fact]
    public async Task Rewind_FailedSubOrchestration_CompletesParentAndChild()
    {
        var key = ExecutionLog.NewKey();
        var id = await hub.ScheduleAsync(nameof(PrepareParent), key);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.WaitAsync(id)).RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await hub.WaitAsync(PrepareParent.ChildId(id))).RuntimeStatus);
        Finish.Repair(key);

        await hub.Client.RewindInstanceAsync(id, "repaired", TestContext.Current.CancellationToken);

        Assert.Equal("parent of prepared finished", (await hub.CompletedAsync(id)).ReadOutputAs<string>());
        Assert.Equal("prepared finished", (await hub.CompletedAsync(PrepareParent.ChildId(id))).ReadOutputAs<string>());
        Assert.Single(ExecutionLog.Entries($"{key}-prepared"));
        Assert.Equal(2, ExecutionLog.Entries($"{key}-finish").Count);
    }

    [Fact]
    public async Task Rewind_InstanceThatDidNotFail_IsRefused()
    {
        var id = await hub.ScheduleAsync(nameof(Welcome), "fine");
        await hub.CompletedAsync(id);

        await Assert.ThrowsAsync<InvalidOperationException>(() => hub.Client.RewindInstanceAsync(id, "why", TestContext.Current.CancellationToken));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await hub.Client.GetInstancesAsync(id, TestContext.Current.CancellationToken))?.RuntimeStatus);
    }
}

public sealed class SqliteClientFailureTests() : ClientFailureTests(new SqliteHostedTaskHub());

public sealed class AzureStorageClientFailureTests(AzuriteFixture azurite) : ClientFailureTests(new AzureStorageHostedTaskHub(azurite));
