using System.Text.Json.Nodes;
using RankDistill.Durable;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// What the dashboard and <c>status</c> read about instances, as API shapes: the list, one instance, its history and
/// its step timeline. Everything read here is scrubbed of secrets before it is returned.
/// </summary>
public sealed class InstanceQueries(DurableTaskClient client, RunArtifacts runs, SecretScrubber scrubber, TimeProvider time)
{
    /// <summary>Sub-orchestrations read for one timeline; a pipeline has one labelling child, so this only bounds odd cases.</summary>
    private const int MaxChildren = 50;

    public async Task<InstanceList> ListAsync(InstanceListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = await client.QueryInstancesAsync(new InstanceQuery
        {
            Statuses = query.Statuses,
            Name = query.Name,
            InstanceIdPrefix = query.Prefix,
            CreatedFrom = query.CreatedFrom,
            CreatedTo = query.CreatedTo,
            PageSize = Math.Clamp(query.PageSize, 1, 1000),
            ContinuationToken = query.ContinuationToken,
        }, cancellationToken);
        var now = time.GetUtcNow();
        var instances = page.Instances
            .Where(i => query.IncludeSubOrchestrations || i.ParentInstanceId is null)
            .Select(i => InstanceSummaries.From(i, scrubber, now))
            .ToList();
        return new InstanceList(instances, page.ContinuationToken);
    }

    /// <summary>The instance, or null when no instance has this id.</summary>
    public async Task<InstanceDetail?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not { } instance)
            return null;
        var pending = await client.GetPendingWorkAsync(instanceId, cancellationToken);
        var now = time.GetUtcNow();
        var input = scrubber.ParseAndScrub(instance.SerializedInput);
        var output = scrubber.ParseAndScrub(instance.SerializedOutput);
        var summary = InstanceSummaries.From(instance, scrubber, now);
        return new InstanceDetail
        {
            Instance = summary,
            Input = input,
            Output = output,
            Failure = scrubber.Failure(instance.FailureDetails),
            PendingWork = [.. pending.Select(p => PendingWorkView(p, now))],
            Generation = instance.Generation,
            LockedBy = instance.LockedBy,
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
        var history = await client.GetHistoryAsync(instanceId, cancellationToken);
        return HistoryEntries.From(history, scrubber);
    }

    /// <summary>The derived steps, or null when no instance has this id.</summary>
    public async Task<Timeline?> GetTimelineAsync(string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is not { } instance)
            return null;
        var history = await client.GetHistoryAsync(instanceId, cancellationToken);
        var children = new Dictionary<string, TimelineBuilder.ChildState>(StringComparer.Ordinal);
        foreach (var childId in history.OfType<SubOrchestrationCreated>().Select(c => c.InstanceId).Distinct().Take(MaxChildren))
        {
            if (await client.GetInstanceAsync(childId, cancellationToken) is not { } child)
                continue;
            var childSteps = await StepsAsync(child, await client.GetHistoryAsync(childId, cancellationToken), children: new Dictionary<string, TimelineBuilder.ChildState>(), cancellationToken);
            children[childId] = new TimelineBuilder.ChildState(child.RuntimeStatus, TimelineBuilder.Summarise(childSteps));
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
        OrchestrationMetadata instance, IReadOnlyList<HistoryEvent> history, IReadOnlyDictionary<string, TimelineBuilder.ChildState> children,
        CancellationToken cancellationToken)
    {
        var pending = await client.GetPendingWorkAsync(instance.InstanceId, cancellationToken);
        var ended = instance.RuntimeStatus.IsTerminal();
        var openUntil = ended ? instance.CompletedAt ?? instance.LastUpdatedAt : time.GetUtcNow();
        return TimelineBuilder.Build(history, pending, ended, openUntil, children, scrubber);
    }

    private PendingWorkInfo PendingWorkView(PendingWork work, DateTimeOffset now)
    {
        var (state, description) = work switch
        {
            { Kind: PendingWorkKind.Message } => ("message", $"{work.Name} not yet processed by the orchestration"),
            { IsLocked: true } => ("running", $"running on {work.LockedBy} (dispatch {work.DispatchCount}), lease until {work.LockedUntil:u}"),
            _ when work.VisibleAt > now => ("delayed", $"queued on '{work.Queue}', offered again at {work.VisibleAt:u}"),
            _ => ("waiting", $"waiting for a worker on queue '{work.Queue}' since {work.VisibleAt:u}; not failed"),
        };
        return new PendingWorkInfo
        {
            Kind = work.Kind == PendingWorkKind.Activity ? "activity" : "message",
            Name = work.Name,
            State = state,
            Description = description,
            Queue = work.Queue,
            TaskId = work.TaskId,
            Attempt = work.Attempt,
            EnqueuedAt = work.EnqueuedAt,
            VisibleAt = work.VisibleAt,
            DispatchCount = work.DispatchCount,
            LockedBy = work.LockedBy,
            LockedUntil = work.LockedUntil,
            Heartbeat = scrubber.ParseAndScrub(work.HeartbeatDetails),
        };
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
