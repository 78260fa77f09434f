namespace RankDistill.TaskHub;

/// <summary>
/// Where work runs. DurableTask.Core has one activity queue per task hub, so each queue is a task hub of its own:
/// <see cref="Default"/> holds the orchestrations and the CPU steps; <see cref="Gpu"/> the steps that need a GPU, served
/// only by workers started for it. An orchestration in the default hub calls a GPU step as an ordinary activity, which
/// the default hub's worker forwards to the gpu hub (see <c>Gpu/GpuStepProxy</c>).
/// </summary>
public static class TaskQueues
{
    public const string Default = "default";
    public const string Gpu = "gpu";

    public static IReadOnlyList<string> All { get; } = [Default, Gpu];

    /// <summary>The task hub that holds a queue's work: the configured name for the default queue, name + queue otherwise.</summary>
    public static string HubName(string taskHubName, string queue) => queue == Default ? taskHubName : taskHubName + queue;
}
