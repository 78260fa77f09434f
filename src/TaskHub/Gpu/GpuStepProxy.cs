using System.Text.Json;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;
using Microsoft.DurableTask.Converters;
using RankDistill.TaskHub.Worker;

namespace RankDistill.TaskHub.Gpu;

/// <summary>
/// A GPU step as the default hub's worker runs it: it starts the step's <see cref="GpuStep"/> orchestration in the gpu
/// hub (unless this call's attempt is already there), waits for it, and answers the call with the GPU activity's own
/// result or failure details, so the caller's retry policy sees the real error type. While no GPU worker serves the gpu
/// hub the step waits there (Pending), it does not fail. If the calling instance ends, the step is terminated; if this
/// worker stops, the wait is handed back and the next worker's proxy picks up the same attempt.
/// <para>It answers through activity middleware (<see cref="RespondAsync"/>) rather than as an activity, since only
/// the middleware can set a failure's details exactly.</para>
/// </summary>
internal sealed class GpuStepProxy(TaskHubConnection defaultHub, TaskHubConnection gpuHub, string activity, CancellationToken stopping) : TaskActivity
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(500);

    private static readonly OrchestrationStatus[] _reusedStatuses =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.Completed, OrchestrationStatus.ContinuedAsNew];

    private static readonly OrchestrationStatus[] _runningStatuses =
        [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.Suspended, OrchestrationStatus.ContinuedAsNew];

    /// <summary>The middleware of a default-queue worker: proxies answer here; every other activity runs as usual.</summary>
    public static async Task RespondAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        if (context.GetProperty<TaskActivity>() is not GpuStepProxy proxy)
        {
            await next();
            return;
        }
        var response = await proxy.RunAsync(context.GetProperty<OrchestrationInstance>(), context.GetProperty<TaskScheduledEvent>());
        context.SetProperty(new ActivityExecutionResult { ResponseEvent = response });
    }

    public override Task<string> RunAsync(TaskContext context, string input) => throw new NotSupportedException("A GPU step answers through RespondAsync.");

    public override string Run(TaskContext context, string input) => throw new NotSupportedException("A GPU step answers through RespondAsync.");

    private async Task<HistoryEvent> RunAsync(OrchestrationInstance caller, TaskScheduledEvent call)
    {
        var stepId = GpuStep.InstanceIdFor(caller.InstanceId, call.EventId);
        using var run = new ActivityRun(defaultHub, caller, stopping);
        try
        {
            return await run.RunAsync<HistoryEvent>(async token =>
            {
                var input = JsonDataConverter.Default.Serialize(new GpuStepInput(activity, Unwrap(call.Input)));
                var state = await GetAsync(stepId);
                if (state is null || IsLostAttempt(state.OrchestrationStatus))
                    await StartAsync(stepId, input, _reusedStatuses);
                else if (state.Input != input)
                    // An earlier execution's call under this task id (a rewound run whose calls shifted, e.g. after
                    // a retry): not this call's result. Replace it unless it still runs.
                    await StartAsync(stepId, input, _runningStatuses);
                while (true)
                {
                    state = await GetAsync(stepId);
                    switch (state?.OrchestrationStatus)
                    {
                        case OrchestrationStatus.Completed:
                            return new TaskCompletedEvent(-1, call.EventId, state.Output);
                        case OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled:
                            var failure = await FailureAsync(state);
                            return new TaskFailedEvent(-1, call.EventId, failure.ErrorMessage, null, failure);
                    }
                    await Task.Delay(_poll, token);
                }
            });
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // The calling instance ended: the GPU step has no one to report to.
            await gpuHub.Client.ForceTerminateTaskOrchestrationAsync(stepId, "The calling orchestration ended.");
            throw new SessionAbortedException($"{caller.InstanceId} ended while its GPU step {stepId} ran.");
        }
    }

    private static bool IsLostAttempt(OrchestrationStatus status) =>
        status is OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    private async Task<OrchestrationState?> GetAsync(string stepId)
    {
        var states = await gpuHub.Client.GetOrchestrationStateAsync(stepId, allExecutions: false);
        return states is { Count: > 0 } ? states[0] : null;
    }

    private async Task StartAsync(string stepId, string? input, OrchestrationStatus[] dedupeStatuses)
    {
        var instance = new OrchestrationInstance { InstanceId = stepId, ExecutionId = Guid.NewGuid().ToString("N") };
        var started = new ExecutionStartedEvent(-1, input)
        {
            Name = GpuStep.Name,
            Version = "",
            OrchestrationInstance = instance,
            Tags = new Dictionary<string, string>(),
        };
        try
        {
            // A Failed or Terminated attempt under this id (a rewound call) is replaced; any other is waited for.
            await gpuHub.Client.CreateTaskOrchestrationAsync(new TaskMessage { OrchestrationInstance = instance, Event = started }, dedupeStatuses);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Another copy of this call (on a worker that died after starting it) got there first: wait for that one.
        }
    }

    /// <summary>Core passes an activity's input as a one-element JSON array; the SDK's activity shim unwraps it the same way.</summary>
    private static JsonElement? Unwrap(string? input)
    {
        if (input is null)
            return null;
        using var document = JsonDocument.Parse(input);
        var root = document.RootElement;
        var value = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1 ? root[0] : root;
        return value.ValueKind == JsonValueKind.Null ? null : value.Clone();
    }

    /// <summary>
    /// The GPU activity's own failure, from the step's history: Azure Storage keeps failure details only there, and the
    /// step's own failure merely wraps the activity's.
    /// </summary>
    private async Task<FailureDetails> FailureAsync(OrchestrationState state)
    {
        var instance = state.OrchestrationInstance;
        var history = HistoryJson.ReadHistory(await gpuHub.Client.GetOrchestrationHistoryAsync(instance.InstanceId, instance.ExecutionId));
        return history.OfType<TaskFailedEvent>().LastOrDefault()?.FailureDetails
            ?? new FailureDetails(new OperationCanceledException($"GPU step {instance.InstanceId} ({activity}) ended {state.OrchestrationStatus}: {state.Output}"));
    }
}
