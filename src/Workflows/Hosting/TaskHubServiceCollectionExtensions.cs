using RankDistill.Durable.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Hosting;

/// <summary>The engine as every host command uses it: the task hub the settings name, and the pipeline's tasks.</summary>
public static class TaskHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers the engine's core on the configured task hub with every orchestration and activity of
    /// <see cref="WorkflowRegistrations"/>, plus the client. Add <c>AddDurableTaskWorker</c> where the process runs work.
    /// </summary>
    public static IServiceCollection AddTaskHub(this IServiceCollection services, TaskHubOptions taskHub)
    {
        ArgumentNullException.ThrowIfNull(taskHub);
        services.AddDurableTask(builder =>
        {
            switch (taskHub.Kind)
            {
                case TaskHubKind.Sqlite:
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(taskHub.SqlitePath))!);
                    builder.UseSqlite(taskHub.SqlitePath);
                    break;
                case TaskHubKind.Postgres:
                    builder.UsePostgres(taskHub.ConnectionString!);
                    break;
                default:
                    throw new NotSupportedException($"TaskHub:Kind = {taskHub.Kind} has no backend in this build.");
            }
            WorkflowRegistrations.Register(builder);
        });
        services.AddDurableTaskClient();
        return services;
    }
}
