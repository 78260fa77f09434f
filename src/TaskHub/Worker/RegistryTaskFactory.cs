using System.Diagnostics.CodeAnalysis;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;

namespace RankDistill.TaskHub.Worker;

/// <summary>Creates the tasks of a queue's registry by name (the SDK's own factory builder is internal to its gRPC worker).</summary>
internal sealed class RegistryTaskFactory(DurableTaskRegistry registry) : IDurableTaskFactory
{
    private readonly Dictionary<TaskName, Func<IServiceProvider, ITaskActivity>> _activities = registry.GetActivities().ToDictionary();
    private readonly Dictionary<TaskName, Func<IServiceProvider, ITaskOrchestrator>> _orchestrators = registry.GetOrchestrators().ToDictionary();

    public bool TryCreateActivity(TaskName name, IServiceProvider serviceProvider, [NotNullWhen(true)] out ITaskActivity? activity)
    {
        activity = _activities.TryGetValue(name, out var create) ? create(serviceProvider) : null;
        return activity is not null;
    }

    public bool TryCreateOrchestrator(TaskName name, IServiceProvider serviceProvider, [NotNullWhen(true)] out ITaskOrchestrator? orchestrator)
    {
        orchestrator = _orchestrators.TryGetValue(name, out var create) ? create(serviceProvider) : null;
        return orchestrator is not null;
    }
}
