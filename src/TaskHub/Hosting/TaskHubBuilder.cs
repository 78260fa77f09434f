using Microsoft.DurableTask;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.Gpu;
using RankDistill.TaskHub.Worker;

namespace RankDistill.TaskHub.Hosting;

/// <summary>
/// Registers the tasks of each queue and the workers this process runs. Every process registers the same tasks (a
/// client process needs none, a worker needs those of its queues): the default queue's orchestrators and CPU activities,
/// the gpu queue's activities. <see cref="GpuStep"/> is added to the gpu queue here.
/// </summary>
public sealed class TaskHubBuilder
{
    /// <summary>GPU steps one default-queue worker can wait on at once (each only polls the gpu hub).</summary>
    public const int GpuStepProxySlots = 64;

    private readonly Dictionary<string, DurableTaskRegistry> _registries = TaskQueues.All.ToDictionary(q => q, _ => new DurableTaskRegistry(), StringComparer.Ordinal);

    internal TaskHubBuilder(IServiceCollection services)
    {
        Services = services;
        _registries[TaskQueues.Gpu].AddOrchestrator<GpuStep>();
        services.AddSingleton(_ => new TaskRouting(GpuActivities()));
    }

    public IServiceCollection Services { get; }

    /// <summary>Adds tasks to a queue's registry.</summary>
    public TaskHubBuilder AddTasks(string queue, Action<DurableTaskRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        register(Registry(queue));
        return this;
    }

    /// <summary>
    /// Runs a worker for each queue given, with that many of the queue's activities at once. A default-queue worker
    /// also forwards GPU steps (up to <see cref="GpuStepProxySlots"/> waiting at once, not counted).
    /// </summary>
    public TaskHubBuilder AddWorkers(IReadOnlyDictionary<string, int> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var providerSlots = queues.ToDictionary(q => q.Key, q => q.Key == TaskQueues.Default ? q.Value + GpuStepProxySlots : q.Value, StringComparer.Ordinal);
        Services.AddSingleton(new WorkerSlots(providerSlots));
        foreach (var (queue, slots) in queues)
        {
            var registry = Registry(queue);
            Services.AddSingleton<IHostedService>(sp => new CoreDurableTaskWorker(queue, new RegistryTaskFactory(registry), sp.GetRequiredService<TaskRouting>().GpuActivities, slots,
                sp.GetRequiredService<TaskHubs>(), sp, sp.GetRequiredService<ILoggerFactory>()));
        }
        return this;
    }

    private DurableTaskRegistry Registry(string queue) =>
        _registries.TryGetValue(queue, out var registry)
            ? registry
            : throw new ArgumentException($"Unknown queue '{queue}'; the queues are {string.Join(", ", TaskQueues.All)}.", nameof(queue));

    private HashSet<string> GpuActivities() => [.. _registries[TaskQueues.Gpu].GetActivities().Select(a => a.Key.Name)];

    /// <summary>Activity work items each queue's provider hands this process at once.</summary>
    internal sealed record WorkerSlots(IReadOnlyDictionary<string, int> Queues);
}
