using RankDistill.TaskHub.Hosting;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// The web host of <c>serve</c> (and of <c>demo</c> while it runs): the configured task hub with every task of the
/// pipeline, a worker on the given queues, the artifact store, and the dashboard on <see cref="DashboardOptions.Urls"/>.
/// Add more services to the returned builder, then <c>Build()</c> and <see cref="DashboardEndpoints.MapDashboard"/>.
/// </summary>
public static class DashboardWebHost
{
    /// <param name="configuration">The host's configuration (already validated into <paramref name="settings"/>); the web host reads nothing else.</param>
    /// <param name="settings">The validated settings.</param>
    /// <param name="dashboard">From <see cref="DashboardOptions.Read"/>.</param>
    /// <param name="workerQueues">The queues this host's workers serve with their concurrency; null runs no worker.</param>
    /// <param name="addTasks">Tasks to register beside the pipeline's (a test's own orchestrations), before the workers start.</param>
    public static WebApplicationBuilder CreateBuilder(
        IConfiguration configuration, HostSettings settings, DashboardOptions dashboard, IReadOnlyDictionary<string, int>? workerQueues,
        Action<TaskHubBuilder>? addTasks = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(dashboard);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // One source of settings for the whole host: no ASPNETCORE_* surprises beside the documented ones.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders().AddConsoleLines();
        builder.WebHost.UseUrls([.. dashboard.Urls]);
        builder.Services.AddHostSettings(settings).AddArtifactStore();
        var taskHub = builder.Services.AddPipelineTaskHub(settings.TaskHub);
        addTasks?.Invoke(taskHub);
        if (workerQueues is not null)
            taskHub.AddWorkers(workerQueues);
        builder.Services.AddDashboard(dashboard, configuration);
        return builder;
    }
}
