using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Hosting;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging;
using RankDistill.TaskHub.Gpu;

namespace RankDistill.TaskHub.Worker;

/// <summary>
/// A worker for one queue: DurableTask.Core's <see cref="TaskHubWorker"/> (replay, dispatch, timers, retries) on the
/// queue's task hub, running the Microsoft.DurableTask orchestrators and activities registered for it through the
/// SDK's public shims. On the default queue, each activity registered for the gpu queue is a
/// <see cref="GpuStepProxy"/>, so orchestrations call GPU steps like any activity while only GPU workers run them.
/// </summary>
internal sealed class CoreDurableTaskWorker : DurableTaskWorker
{
    private readonly TaskHubConnection _hub;
    private readonly TaskHubs _hubs;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly DurableTaskShimFactory _shims;
    private readonly IReadOnlySet<string> _gpuActivities;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private TaskHubWorker? _worker;

    /// <param name="queue">The queue served: its task hub.</param>
    /// <param name="factory">The queue's registry of tasks.</param>
    /// <param name="gpuActivities">The gpu queue's activities, which a default-queue worker forwards.</param>
    /// <param name="slots">How many of this queue's own activities run at once (forwarded GPU steps only wait and do not count).</param>
    /// <param name="hubs">This process's task hubs.</param>
    /// <param name="services">Where activities and orchestrators are created from.</param>
    /// <param name="loggerFactory">DurableTask.Core's and the shims' logs.</param>
    public CoreDurableTaskWorker(string queue, IDurableTaskFactory factory, IReadOnlySet<string> gpuActivities, int slots,
        TaskHubs hubs, IServiceProvider services, ILoggerFactory loggerFactory)
        : base(queue, factory)
    {
        (_hubs, _services, _loggerFactory, _gpuActivities) = (hubs, services, loggerFactory, gpuActivities);
        _hub = hubs[queue];
        _slots = new SemaphoreSlim(slots);
        _shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions(), loggerFactory);
    }

    public string Queue => Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _hub.Service.CreateIfNotExistsAsync();
        // The default queue's worker forwards GPU steps: the gpu hub must exist before a GPU worker first starts.
        if (Queue == TaskQueues.Default)
            await _hubs[TaskQueues.Gpu].Service.CreateIfNotExistsAsync();
        _worker = new TaskHubWorker(_hub.Service, new Orchestrations(this), new Activities(this), _loggerFactory)
        {
            // The shims turn failures into TaskFailedException with TaskFailureDetails: they need Core's FailureDetails.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        _worker.AddActivityDispatcherMiddleware(GpuStepProxy.RespondAsync);
        await _worker.StartAsync();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Running activities are handed back first (abandoned, for another worker to resume), then the dispatchers stop.
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        if (_worker is not null)
            await _worker.StopAsync(isForced: false);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    private sealed class Orchestrations(CoreDurableTaskWorker worker) : INameVersionObjectManager<TaskOrchestration>
    {
        public void Add(ObjectCreator<TaskOrchestration> creator) => throw new NotSupportedException("Register orchestrators in the queue's registry.");

        public TaskOrchestration? GetObject(string name, string? version) =>
            worker.Factory.TryCreateOrchestrator(new TaskName(name), worker._services, out var orchestrator)
                ? worker._shims.CreateOrchestration(new TaskName(name), orchestrator!)
                : null;
    }

    /// <summary>Null for an unknown name: DurableTask.Core then fails that task with TypeMissingException.</summary>
    private sealed class Activities(CoreDurableTaskWorker worker) : INameVersionObjectManager<TaskActivity>
    {
        public void Add(ObjectCreator<TaskActivity> creator) => throw new NotSupportedException("Register activities in the queue's registry.");

        public TaskActivity? GetObject(string name, string? version)
        {
            if (worker.Queue == TaskQueues.Default && worker._gpuActivities.Contains(name))
                return new GpuStepProxy(worker._hub, worker._hubs[TaskQueues.Gpu], name, worker._stopping.Token);
            return worker.Factory.TryCreateActivity(new TaskName(name), worker._services, out _)
                ? new ScopedActivity(worker, new TaskName(name))
                : null;
        }
    }

    /// <summary>An activity in a dependency-injection scope of its own, holding one of the queue's slots while it runs.</summary>
    private sealed class ScopedActivity(CoreDurableTaskWorker worker, TaskName name) : TaskActivity
    {
        public override async Task<string?> RunAsync(TaskContext context, string? input)
        {
            using var run = new ActivityRun(worker._hub, context.OrchestrationInstance, worker._stopping.Token);
            return await run.RunAsync<string?>(async token =>
            {
                await worker._slots.WaitAsync(token);
                try
                {
                    await using var scope = worker._services.CreateAsyncScope();
                    scope.ServiceProvider.GetRequiredService<ActivityCancellation>().Token = token;
                    if (!worker.Factory.TryCreateActivity(name, scope.ServiceProvider, out var activity))
                        throw new InvalidOperationException($"Activity '{name}' is registered but could not be created.");
                    return await worker._shims.CreateActivity(name, activity!).RunAsync(context, input);
                }
                finally
                {
                    worker._slots.Release();
                }
            });
        }

        public override string Run(TaskContext context, string input) => throw new NotSupportedException("Activities run asynchronously.");
    }
}
