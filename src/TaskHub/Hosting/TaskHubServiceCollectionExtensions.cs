using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.Client;
using RankDistill.TaskHub.Worker;

namespace RankDistill.TaskHub.Hosting;

public static class TaskHubServiceCollectionExtensions
{
    /// <summary>
    /// The task hubs <paramref name="options"/> names, Microsoft.DurableTask's <see cref="DurableTaskClient"/> on the
    /// default queue's hub (and one keyed <see cref="TaskQueues.Gpu"/> on the gpu hub), and <see cref="ActivityCancellation"/>
    /// for activities. Register tasks and workers on the builder returned.
    /// </summary>
    public static TaskHubBuilder AddTaskHub(this IServiceCollection services, TaskHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate().ToList() is { Count: > 0 } problems)
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        services.AddLogging();
        services.TryAddSingleton(sp => new TaskHubs(options,
            sp.GetService<TaskHubBuilder.WorkerSlots>()?.Queues ?? new Dictionary<string, int>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<DurableTaskClient>(sp => Client(sp, TaskQueues.Default));
        services.TryAddKeyedSingleton<DurableTaskClient>(TaskQueues.Gpu, (sp, _) => Client(sp, TaskQueues.Gpu));
        services.TryAddScoped<ActivityCancellation>();
        return new TaskHubBuilder(services);
    }

    private static CoreDurableTaskClient Client(IServiceProvider services, string queue) =>
        new(queue, services.GetRequiredService<TaskHubs>()[queue], JsonDataConverter.Default);
}
