using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Telemetry;

namespace RankDistill.Durable.Worker;

/// <summary>
/// The hosted worker: one dispatch loop for orchestration steps and one per activity queue it
/// serves, plus a sampler for the queue-depth metric.
/// </summary>
internal sealed class DurableTaskWorker(
    IDurableBackend backend, BackendInitializer initializer, OrchestrationRunner orchestrations, ActivityRunner activities,
    WorkSignal signal, IOptions<DurableTaskWorkerOptions> optionsAccessor, TimeProvider time, ILogger<DurableTaskWorker> logger)
    : BackgroundService
{
    private readonly DurableTaskWorkerOptions _options = optionsAccessor.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await initializer.EnsureAsync(stoppingToken);
        var queues = _options.EffectiveQueues;
        logger.WorkerStarted(_options.WorkerId, _options.MaxConcurrentOrchestrations, string.Join(", ", queues.Select(q => $"{q.Key} x{q.Value}")));
        var loops = new List<Task>();
        if (_options.MaxConcurrentOrchestrations > 0)
        {
            var loop = new DispatchLoop<OrchestrationWorkItem>("orchestrations", _options.MaxConcurrentOrchestrations,
                async (_, ct) => await backend.LockNextOrchestrationAsync(Lock(_options.OrchestrationLockDuration), ct) is { } item ? [item] : [],
                orchestrations.RunAsync, signal.ArmOrchestrations, _options, time, logger);
            loops.Add(loop.RunAsync(stoppingToken));
        }
        foreach (var (queue, concurrency) in queues)
        {
            var loop = new DispatchLoop<Backends.ActivityWorkItem>($"queue {queue}", concurrency,
                (free, ct) => backend.LockNextActivitiesAsync(queue, Lock(_options.ActivityLeaseDuration), free, Started, ct),
                activities.RunAsync, () => signal.ArmQueue(queue), _options, time, logger);
            loops.Add(loop.RunAsync(stoppingToken));
        }
        loops.Add(SampleDepthsAsync(stoppingToken));
        await Task.WhenAll(loops);
        logger.WorkerStopped(_options.WorkerId);
    }

    private LockRequest Lock(TimeSpan duration)
    {
        var now = time.GetUtcNow();
        return new LockRequest(_options.WorkerId, now, now + duration);
    }

    /// <summary>The task-started record, written with the lock; it waits in the inbox for the result.</summary>
    private OutboundMessage Started(ActivityWorkItem item)
    {
        var now = time.GetUtcNow();
        DurableTelemetry.DispatchLatency.Record((now - item.EnqueuedAt).TotalMilliseconds,
            new KeyValuePair<string, object?>("kind", "activity"), new KeyValuePair<string, object?>("queue", item.Queue));
        var started = new History.TaskStarted(item.TaskId, item.Name, item.Attempt, item.DispatchCount, _options.WorkerId) { Timestamp = now };
        return new OutboundMessage(item.InstanceId, started, now, item.Generation, Wakes: false);
    }

    private async Task SampleDepthsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var depths = await backend.GetQueueDepthsAsync(time.GetUtcNow(), stoppingToken);
                DurableTelemetry.SetDepths(depths.Activities, depths.Orchestrations);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.PollFailed("queue depths", e);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
