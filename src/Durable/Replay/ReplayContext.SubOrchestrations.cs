using System.Globalization;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>Child orchestrations.</summary>
internal sealed partial class ReplayContext
{
    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, SubOrchestrationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var inputJson = _converter.Serialize(input, $"input of sub-orchestration '{name}'");
        var firstAttemptAt = CurrentUtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            var call = NewAction(id => new SubOrchestrationCreated(id, name, options?.InstanceId ?? ChildId(id), inputJson));
            switch (await call.Result)
            {
                case SubOrchestrationCompleted completed:
                    return (TResult)_converter.Deserialize(completed.Result, typeof(TResult), $"output of sub-orchestration '{name}'")!;
                case SubOrchestrationFailed failed:
                    if (options?.Retry?.NextDelay(attempt, firstAttemptAt, CurrentUtcDateTime, failed.Failure) is { } delay)
                    {
                        await NewTimer(CurrentUtcDateTime + delay, TimerCreated.RetryPurpose).Result;
                        continue;
                    }
                    throw new TaskFailedException(name, call.TaskId, failed.Failure);
                case var other:
                    throw Unexpected(call, other);
            }
        }
    }

    // Parent id, execution and call id: stable across replays, distinct across continue-as-new.
    private string ChildId(int taskId) => string.Create(CultureInfo.InvariantCulture, $"{InstanceId}:{Generation}:{taskId}");
}
