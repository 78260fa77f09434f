using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RankDistill.Durable.Client;
using RankDistill.Durable.Replay;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Hosting;

/// <summary>
/// <code>
/// services.AddDurableTask(b => b.AddOrchestrator&lt;Pipeline&gt;().AddActivity&lt;Train&gt;().UseSqlite("hub.db"));
/// services.AddDurableTaskWorker(o => o.Queues["gpu"] = 1);
/// services.AddDurableTaskClient();
/// </code>
/// </summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>Registers the engine's core and what <paramref name="configure"/> adds; may be
    /// called more than once (registrations accumulate).</summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(TaskRegistry))?.ImplementationInstance as TaskRegistry;
        if (registry is null)
        {
            registry = new TaskRegistry();
            services.AddSingleton(registry);
            services.AddOptions();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ILoggerFactory, NullLoggerFactory>();
            services.TryAddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.TryAddSingleton(sp => new PayloadConverter(sp.GetRequiredService<IOptions<DurableTaskOptions>>()));
            services.TryAddSingleton(sp => new WorkSignal(sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton<BackendInitializer>();
        }
        configure(new DurableTaskBuilder(services, registry));
        return services;
    }

    /// <summary>Adds the hosted worker that runs the registered orchestrators and activities.</summary>
    public static IServiceCollection AddDurableTaskWorker(this IServiceCollection services, Action<DurableTaskWorkerOptions>? configure = null)
    {
        if (configure is not null)
            services.Configure(configure);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<DurableTaskWorkerOptions>>().Value);
        services.TryAddSingleton(sp => new OrchestrationExecutor(sp.GetRequiredService<PayloadConverter>(), sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton(new OrchestrationSessionCache());
        services.TryAddSingleton<OrchestrationStep>();
        services.TryAddSingleton<OrchestrationRunner>();
        services.TryAddSingleton<ActivityRunner>();
        services.AddHostedService<DurableTaskWorker>();
        return services;
    }

    /// <summary>Adds <see cref="DurableTaskClient"/>.</summary>
    public static IServiceCollection AddDurableTaskClient(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DurableTaskClient(
            sp.GetRequiredService<Backends.IDurableBackend>(), sp.GetRequiredService<BackendInitializer>(),
            sp.GetRequiredService<PayloadConverter>(), sp.GetRequiredService<WorkSignal>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
