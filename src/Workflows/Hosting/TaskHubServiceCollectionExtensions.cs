using RankDistill.TaskHub;
using RankDistill.TaskHub.Hosting;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Hosting;

/// <summary>The engine as every host command uses it: the task hubs the settings name, and the pipeline's tasks.</summary>
public static class TaskHubServiceCollectionExtensions
{
    /// <summary>
    /// The task hubs of <paramref name="taskHub"/> with every orchestration and activity of
    /// <see cref="WorkflowRegistrations"/>, and the client. Add <see cref="TaskHubBuilder.AddWorkers"/> where the process
    /// runs work.
    /// </summary>
    public static TaskHubBuilder AddPipelineTaskHub(this IServiceCollection services, TaskHubOptions taskHub)
    {
        ArgumentNullException.ThrowIfNull(taskHub);
        if (taskHub.Kind == TaskHubKind.Sqlite)
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(taskHub.SqlitePath))!);
        return services.AddTaskHub(taskHub).AddPipelineTasks();
    }
}
