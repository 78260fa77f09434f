namespace RankDistill.TaskHub;

/// <summary>Which queue each activity runs on, as registered: the names registered on the gpu queue.</summary>
public sealed class TaskRouting(IReadOnlySet<string> gpuActivities)
{
    public IReadOnlySet<string> GpuActivities { get; } = gpuActivities;

    /// <summary>The queue of an activity registered under <paramref name="name"/>.</summary>
    public string QueueOf(string name) => GpuActivities.Contains(name) ? TaskQueues.Gpu : TaskQueues.Default;
}
