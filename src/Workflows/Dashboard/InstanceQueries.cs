using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// What the dashboard and <c>status</c> read about instances, as API shapes: the list, one instance, its history and
/// its step timeline. The pipelines live in the default queue's task hub (<paramref name="client"/>); their GPU steps'
/// state is read from the gpu hub (<paramref name="gpuClient"/>). Everything read here is scrubbed of secrets before
/// it is returned.
/// </summary>
public sealed class InstanceQueries(
    DurableTaskClient client,
    [FromKeyedServices(TaskQueues.Gpu)] DurableTaskClient gpuClient,
    TaskRouting routing,
    RunArtifacts runs,
    SecretScrubber scrubber,
    TimeProvider time)
{
    /// <summary>Sub-orchestrations read for one timeline; a pipeline has one labelling child, so this only bounds odd cases.</summary>
    private const int MaxChildren = 50;

    /// <summary>Pages of nothing skipped to reach a page with instances (a provider may answer an empty page with a token).</summary>
    private const int MaxEmptyPages = 10;

    public async Task<InstanceList> ListAsync(InstanceListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        var pages = client.GetAllInstancesAsync(new OrchestrationQuery
        {
            Statuses = query.Statuses.Count > 0 ? query.Statuses : null,
            InstanceIdPrefix = query.Prefix,
            CreatedFrom = query.CreatedFrom,
            CreatedTo = query.CreatedTo,
            PageSize = pageSize,
            FetchInputsAndOutputs = true,
        }).AsPages(query.ContinuationToken, pageSize);
        Page<OrchestrationMetadata>? page = null;
        var empty = 0;
        await foreach (var next in pages.WithCancellation(cancellationToken))
        {
            page = next;
            if (next.Values.Count > 0 || next.ContinuationToken is null || ++empty >= MaxEmptyPages)
                break;
        }
        var now = time.GetUtcNow();
        var instances = (page?.Values ?? [])
            .Where(i => query.Name is null || string.Equals(i.Name, query.Name, StringComparison.Ordinal))
            .Where(i => query.IncludeSubOrchestrations || InstanceSummaries.ParentOf(i) is null)
            .Select(i => InstanceSummaries.From(i, scrubber, now))
            .ToList();
        return new InstanceList(instances, page?.ContinuationToken);
    }

    /// <summary>The instance, or null when no instance has this id.</summary>
    public async Task<InstanceDetail?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken) is not { } instance)
            return null;
        var input = scrubber.ParseAndScrub(instance.SerializedInput);
        var output = scrubber.ParseAndScrub(instance.SerializedOutput);
        var summary = InstanceSummaries.From(instance, scrubber, time.GetUtcNow());
        return new InstanceDetail
        {
            Instance = summary,
            Input = input,
            Output = output,
            Failure = scrubber.Failure(instance.FailureDetails),
            Run = summary.RunId is { } runId ? await runs.DescribeAsync(runId, cancellationToken) : null,
            Artifacts = ArtifactNames(input).Concat(ArtifactNames(output)).Distinct(StringComparer.Ordinal).Select(n => RunArtifacts.Link(n, null)).ToList(),
            Actions = AllowedActions(instance.RuntimeStatus),
        };
    }

    /// <summary>The history with summaries, or null when no instance has this id.</summary>
    public async Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is null)
            return null;
        var history = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        return HistoryEntries.From([.. history], routing, scrubber);
    }

    /// <summary>The derived steps, or null when no instance has this id.</summary>
    public async Task<Timeline?> GetTimelineAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not { } instance)
            return null;
        IReadOnlyList<HistoryEvent> history = [.. await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken)];
        var children = new Dictionary<string, ChildState>(StringComparer.Ordinal);
        foreach (var childId in history.OfType<SubOrchestrationInstanceCreatedEvent>().Select(c => c.InstanceId).Distinct().Take(MaxChildren))
        {
            if (await client.GetInstanceAsync(childId, cancellationToken) is not { } child)
                continue;
            IReadOnlyList<HistoryEvent> childHistory = [.. await client.GetOrchestrationHistoryAsync(childId, cancellationToken)];
            var childSteps = await StepsAsync(child, childHistory, new Dictionary<string, ChildState>(), cancellationToken);
            children[childId] = new ChildState(child.RuntimeStatus, TimelineBuilder.Summarise(childSteps));
        }
        return new Timeline(instanceId, await StepsAsync(instance, history, children, cancellationToken));
    }

    /// <summary>The actions <paramref name="status"/> allows, by their API names.</summary>
    public static IReadOnlyList<string> AllowedActions(OrchestrationRuntimeStatus status) => status switch
    {
        OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running => [InstanceActions.Terminate, InstanceActions.Suspend, InstanceActions.RaiseEvent],
        OrchestrationRuntimeStatus.Suspended => [InstanceActions.Terminate, InstanceActions.Resume, InstanceActions.RaiseEvent],
        OrchestrationRuntimeStatus.Failed => [InstanceActions.Rewind, InstanceActions.Purge],
        _ => [InstanceActions.Purge],
    };

    private async Task<IReadOnlyList<TimelineStep>> StepsAsync(
        OrchestrationMetadata instance, IReadOnlyList<HistoryEvent> history, IReadOnlyDictionary<string, ChildState> children, CancellationToken cancellationToken)
    {
        var ended = instance.RuntimeStatus.IsTerminal();
        var context = new TimelineContext(instance.InstanceId, routing, new Dictionary<string, OrchestrationRuntimeStatus>(), children,
            ended, ended ? instance.LastUpdatedAt : time.GetUtcNow());
        if (!ended && TimelineBuilder.HasOpenGpuCalls(history, context))
            context = context with { GpuSteps = await GpuStepsAsync(instance.InstanceId, cancellationToken) };
        return TimelineBuilder.Build(history, context, scrubber);
    }

    /// <summary>
    /// The GPU steps an instance has started in the gpu task hub, by instance id: one query for all of them, since their
    /// ids (<see cref="TaskHub.Gpu.GpuStep.InstanceIdFor"/>) start with the caller's id and <c>@</c>.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, OrchestrationRuntimeStatus>> GpuStepsAsync(string instanceId, CancellationToken cancellationToken)
    {
        var steps = new Dictionary<string, OrchestrationRuntimeStatus>(StringComparer.Ordinal);
        try
        {
            await foreach (var step in gpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = instanceId + "@", PageSize = 1000 })
                .WithCancellation(cancellationToken))
            {
                steps[step.InstanceId] = step.RuntimeStatus;
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Azure Storage: no GPU worker has ever created the gpu hub's tables, so no GPU step has started.
        }
        return steps;
    }

    // Strings in a payload that name a servable artifact become links.
    private static IEnumerable<string> ArtifactNames(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => ArtifactNames(p.Value)),
        JsonArray a => a.SelectMany(ArtifactNames),
        JsonValue v when v.TryGetValue<string>(out var s) && RunArtifacts.IsServable(s) => [s],
        _ => [],
    };
}
