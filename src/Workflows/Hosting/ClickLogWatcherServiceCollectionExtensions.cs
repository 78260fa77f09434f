using Microsoft.Extensions.DependencyInjection.Extensions;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Hosting;

public static class ClickLogWatcherServiceCollectionExtensions
{
    /// <summary>
    /// Adds the click-log watcher as a hosted service: every <see cref="PipelineOptions.WatchInterval"/> it starts a
    /// <c>DistillationPipeline</c> with <see cref="PipelineOptions.Settings"/> for each complete drop that has none.
    /// Needs the artifact store and the task hub client (<c>AddArtifactStore</c>, <c>AddTaskHub</c>). Serve calls it as
    /// <c>services.AddClickLogWatcher(host.Settings.Pipeline)</c>.
    /// </summary>
    public static IServiceCollection AddClickLogWatcher(this IServiceCollection services, PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<ClickLogWatcher>(sp, options.Settings));
        services.AddHostedService<ClickLogWatcherService>();
        return services;
    }
}
