using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RankDistill.Durable.Backends;
using RankDistill.Durable.History;
using RankDistill.Durable.Telemetry;

namespace RankDistill.Durable.Worker;

/// <summary>Runs one locked instance: works out the step, commits it fenced by the lock, and wakes
/// the local dispatchers for the work it enqueued. A step that throws is abandoned with a delay
/// (and becomes poison after too many dispatches).</summary>
internal sealed class OrchestrationRunner(
    OrchestrationStep step, OrchestrationSessionCache sessions, IDurableBackend backend, WorkSignal signal, DurableTaskWorkerOptions options,
    TimeProvider time, ILogger<OrchestrationRunner> logger)
{
    public async Task RunAsync(OrchestrationWorkItem item, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        foreach (var message in item.Messages.Where(m => m.DequeueCount == 1 && m.Event is not TimerFired))
            DurableTelemetry.DispatchLatency.Record((now - message.EnqueuedAt).TotalMilliseconds, new KeyValuePair<string, object?>("kind", "orchestration"));

        using var span = DurableTelemetry.Source.StartActivity($"orchestration {item.Instance.Name}", ActivityKind.Internal);
        span?.SetTag("durable.instance_id", item.InstanceId);
        span?.SetTag("durable.messages", item.Messages.Count);
        OrchestrationCommit commit;
        try
        {
            (commit, var session) = step.Process(item, now);
            await backend.CompleteOrchestrationAsync(item, commit, CancellationToken.None);
            if (session is not null)
                Keep(item, commit, session);
        }
        catch (LockLostException)
        {
            logger.StepLockLost(item.InstanceId);
            return;
        }
        catch (Exception e)
        {
            var visibleAt = now + options.AbandonDelayFor(item.Messages.Count == 0 ? 1 : item.Messages.Max(m => m.DequeueCount));
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.StepAbandoned(item.InstanceId, visibleAt, e);
            try
            {
                await backend.AbandonOrchestrationAsync(item, visibleAt, CancellationToken.None);
                signal.NotifyOrchestrationsAt(visibleAt);
            }
            catch (Exception again)
            {
                // The lock expires by itself; the messages are offered again then.
                logger.StepAbandoned(item.InstanceId, item.LockedUntil, again);
            }
            return;
        }

        var status = commit.Instance.Status;
        span?.SetTag("durable.status", status.ToString());
        logger.StepCommitted(item.InstanceId, commit.Instance.Name, status);
        if (status is OrchestrationRuntimeStatus.Failed && item.Instance.RuntimeStatus is not OrchestrationRuntimeStatus.Failed)
        {
            span?.SetStatus(ActivityStatusCode.Error, commit.Instance.Failure?.Message);
            DurableTelemetry.Failures.Add(1, new("kind", "orchestration"), new("name", commit.Instance.Name));
            logger.InstanceFailed(item.InstanceId, commit.Instance.Name, commit.Instance.Failure!);
        }
        Signal(commit, now, item.Instance.RuntimeStatus);
    }

    /// <summary>Keeps the live orchestration for the instance's next step (see <see cref="OrchestrationSessionCache"/>).</summary>
    private void Keep(OrchestrationWorkItem item, OrchestrationCommit commit, Replay.OrchestrationSession session)
    {
        var count = (commit.ReplaceHistory ? 0 : item.History.Count) + commit.History.Count;
        var last = commit.History.Count > 0 ? commit.History[^1] : item.History.Count > 0 ? item.History[^1] : null;
        if (last is not null)
            sessions.Put(item.InstanceId, session, count, last);
    }

    private void Signal(OrchestrationCommit commit, DateTimeOffset now, OrchestrationRuntimeStatus before)
    {
        foreach (var queue in commit.Tasks.Select(t => t.Queue).Distinct())
            signal.NotifyQueue(queue);
        foreach (var message in commit.Messages)
        {
            if (message.VisibleAt <= now)
                signal.NotifyOrchestrations();
            else
                signal.NotifyOrchestrationsAt(message.VisibleAt);
        }
        if (commit.CancelPendingTasks)
            signal.NotifyCancellations();
        if (commit.Instance.Status != before || commit.ReplaceHistory)
            signal.NotifyInstanceChanged();
    }
}
