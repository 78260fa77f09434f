using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>Activity calls, with retries as durable timers between attempts.</summary>
internal sealed partial class ReplayContext
{
    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var queue = options?.Queue ?? TaskOptions.DefaultQueue;
        var inputJson = _converter.Serialize(input, $"input of activity '{name}'");
        var firstAttemptAt = CurrentUtcDateTime;
        string? carried = null;
        for (var attempt = 1; ; attempt++)
        {
            var call = NewAction(id => new TaskScheduled(id, name, queue, inputJson, attempt, options?.HeartbeatTimeout), carried);
            switch (await call.Result)
            {
                case TaskCompleted completed:
                    return (TResult)_converter.Deserialize(completed.Result, typeof(TResult), $"result of activity '{name}'")!;
                case TaskFailed failed:
                    if (options?.Retry?.NextDelay(attempt, firstAttemptAt, CurrentUtcDateTime, failed.Failure) is { } delay)
                    {
                        carried = failed.LastHeartbeatDetails;
                        await NewTimer(CurrentUtcDateTime + delay, TimerCreated.RetryPurpose).Result;
                        continue;
                    }
                    throw new TaskFailedException(name, call.TaskId, failed.Failure);
                case var other:
                    throw Unexpected(call, other);
            }
        }
    }

    private NonDeterministicOrchestrationException Unexpected(OpenAction call, ResultEvent result) =>
        new($"Non-deterministic orchestration '{Name}' (instance '{InstanceId}'): call #{call.TaskId} is " +
            $"{call.Event.Description} but the history gives it a {result.GetType().Name}. {Rule}");
}
