using Microsoft.DurableTask.Client;
using RankDistill.TaskHub;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// What an instance's history does not say about its open steps, read by <see cref="InstanceQueries"/> before the
/// timeline is built: where each activity runs, the state of each GPU step in the gpu task hub, the state of each child
/// instance, and whether (and when) the instance itself ended.
/// </summary>
/// <param name="InstanceId">The instance whose history is read (its GPU steps are named after it).</param>
/// <param name="Routing">Which activities run on the gpu queue.</param>
/// <param name="GpuSteps">The <c>GpuStep</c> instances of this instance's GPU calls in the gpu task hub, by instance id; an open GPU call absent here has not reached the gpu hub yet.</param>
/// <param name="Children">Each child instance's status and shard summary, by child id.</param>
/// <param name="InstanceEnded">Whether the instance is Completed, Failed or Terminated (open calls are then cancelled).</param>
/// <param name="OpenUntil">Where open steps end for their duration: now, or the instance's end.</param>
internal sealed record TimelineContext(
    string InstanceId,
    TaskRouting Routing,
    IReadOnlyDictionary<string, OrchestrationRuntimeStatus> GpuSteps,
    IReadOnlyDictionary<string, ChildState> Children,
    bool InstanceEnded,
    DateTimeOffset OpenUntil);

/// <summary>A child instance as its parent's timeline shows it.</summary>
internal sealed record ChildState(OrchestrationRuntimeStatus Status, Api.ShardSummary? Shards);
