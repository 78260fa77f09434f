using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;

namespace RankDistill.TaskHub.Gpu;

/// <summary>What <see cref="GpuStep"/> runs: an activity registered on the gpu queue and its input, as JSON.</summary>
public sealed record GpuStepInput(string Activity, JsonElement? Input);

/// <summary>
/// The gpu hub's side of a GPU step: one orchestration per attempt that runs the activity once (the calling
/// orchestration's retry policy decides about another attempt) and returns its output unchanged. Its instance id,
/// <see cref="InstanceIdFor"/>, ties it to the call in the default hub, so a proxy that runs again after its worker
/// died finds the attempt already under way instead of starting a second one.
/// </summary>
[DurableTask(Name)]
public sealed class GpuStep : TaskOrchestrator<GpuStepInput, JsonElement?>
{
    public const string Name = nameof(GpuStep);

    /// <summary>The call's instance and its task id (the TaskScheduled event's id, stable across replays and rewinds).</summary>
    public static string InstanceIdFor(string callerInstanceId, int taskId) =>
        $"{callerInstanceId}@{taskId.ToString(CultureInfo.InvariantCulture)}";

    public override Task<JsonElement?> RunAsync(TaskOrchestrationContext context, GpuStepInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return context.CallActivityAsync<JsonElement?>(input.Activity, input.Input);
    }
}
