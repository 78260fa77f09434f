using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using RankDistill.Durable.Telemetry;

namespace RankDistill.Durable.Worker;

/// <summary>Runs one locked activity: resolves it from the container, keeps its lease, and stores
/// its result (or failure) in one fenced transaction.</summary>
internal sealed class ActivityRunner(
    TaskRegistry registry, IServiceScopeFactory scopes, IDurableBackend backend, PayloadConverter converter,
    WorkSignal signal, DurableTaskWorkerOptions options, TimeProvider time, ILogger<ActivityRunner> logger)
{
    public async Task RunAsync(ActivityWorkItem item, CancellationToken stopping)
    {
        using var span = DurableTelemetry.Source.StartActivity($"activity {item.Name}", ActivityKind.Internal);
        span?.SetTag("durable.instance_id", item.InstanceId);
        span?.SetTag("durable.task_id", item.TaskId);
        span?.SetTag("durable.attempt", item.Attempt);
        span?.SetTag("durable.dispatch_count", item.DispatchCount);
        span?.SetTag("durable.queue", item.Queue);
        logger.ActivityStarted(item.Name, item.InstanceId, item.TaskId, item.Attempt, item.DispatchCount);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var context = new ActivityExecutionContext(item, cancel.Token, converter, time);
        await using var lease = new ActivityLease(backend, item, context, cancel, signal, options, time, logger);
        lease.Start();
        ResultEvent result;
        try
        {
            result = await ExecuteAsync(item, context);
        }
        catch (Exception) when (lease.End is LeaseEnd.Lost)
        {
            logger.ActivityLeaseLost(item.Name, item.InstanceId, item.TaskId);
            return;
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Hand the item to another worker now rather than after the lease expires.
            await lease.StopAsync(flush: true);
            await backend.AbandonActivityAsync(item, time.GetUtcNow(), CancellationToken.None);
            logger.ActivityReleased(item.Name, item.InstanceId, item.TaskId);
            return;
        }
        catch (Exception e) when (lease.End is LeaseEnd.HeartbeatTimedOut)
        {
            result = Failed(item, context, new TimeoutException(
                $"Activity '{item.Name}' did not heartbeat within {item.HeartbeatTimeout}; it was cancelled.", e));
        }
        catch (Exception e)
        {
            result = Failed(item, context, e);
        }
        await lease.StopAsync(flush: false);
        if (lease.End is LeaseEnd.Lost)
        {
            logger.ActivityLeaseLost(item.Name, item.InstanceId, item.TaskId);
            return;
        }
        await CompleteAsync(item, result, span);
    }

    private async Task<ResultEvent> ExecuteAsync(ActivityWorkItem item, ActivityExecutionContext context)
    {
        if (item.DispatchCount > options.MaxDispatchCount)
        {
            return new TaskFailed(item.TaskId, new FailureDetails(OrchestrationStep.PoisonErrorType,
                $"Activity '{item.Name}' (task {item.TaskId}, attempt {item.Attempt}) was dispatched {item.DispatchCount} times without " +
                $"completing (limit {options.MaxDispatchCount}); the workers running it probably crashed or hung each time.")
            { IsPoison = true }, context.LatestDetails);
        }
        using var scope = scopes.CreateScope();
        if (!registry.TryCreateActivity(item.Name, scope.ServiceProvider, out var activity))
        {
            throw new InvalidOperationException(
                $"No activity named '{item.Name}' is registered on worker '{options.WorkerId}' (queue '{item.Queue}'). " +
                $"Registered: {string.Join(", ", registry.ActivityNames.Order(StringComparer.Ordinal))}.");
        }
        var input = converter.Deserialize(item.Input, activity.InputType, $"input of activity '{item.Name}'");
        var output = await activity.RunAsync(context, input);
        return new TaskCompleted(item.TaskId, converter.Serialize(output, $"result of activity '{item.Name}'"));
    }

    private TaskFailed Failed(ActivityWorkItem item, ActivityExecutionContext context, Exception e)
    {
        logger.ActivityFailed(item.Name, item.InstanceId, item.TaskId, item.Attempt, e);
        return new TaskFailed(item.TaskId, FailureDetails.FromException(e), context.LatestDetails);
    }

    private async Task CompleteAsync(ActivityWorkItem item, ResultEvent result, Activity? span)
    {
        var now = time.GetUtcNow();
        if (result is TaskFailed failed)
        {
            span?.SetStatus(ActivityStatusCode.Error, failed.Failure.Message);
            DurableTelemetry.Failures.Add(1, new("kind", "activity"), new("name", item.Name));
        }
        try
        {
            var stored = await backend.CompleteActivityAsync(item, new OutboundMessage(item.InstanceId, result with { Timestamp = now }, now, item.Generation), CancellationToken.None);
            if (stored)
                signal.NotifyOrchestrations();
            else
                logger.ActivityLeaseLost(item.Name, item.InstanceId, item.TaskId);
        }
        catch (Exception e)
        {
            // Not stored: the item stays locked until its lease expires, then runs again (never lost).
            logger.ActivityCompleteFailed(item.Name, item.InstanceId, item.TaskId, e);
        }
    }
}
