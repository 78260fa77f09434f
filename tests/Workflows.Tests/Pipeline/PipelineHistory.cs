using RankDistill.Durable.Client;
using RankDistill.Durable.History;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>What an instance's history (and its sub-orchestrations') says was run: dispatches and attempts per activity.</summary>
internal sealed record PipelineHistory(IReadOnlyList<IReadOnlyList<HistoryEvent>> Instances)
{
    public static async Task<PipelineHistory> ReadAsync(DurableTaskClient client, string instanceId)
    {
        var parent = await client.GetHistoryAsync(instanceId, TestContext.Current.CancellationToken);
        var instances = new List<IReadOnlyList<HistoryEvent>> { parent };
        // Teacher labelling runs in a child instance: its shards' events belong to the run too.
        foreach (var child in parent.OfType<SubOrchestrationCreated>().Select(c => c.InstanceId).Distinct().ToList())
            instances.Add(await client.GetHistoryAsync(child, TestContext.Current.CancellationToken));
        return new PipelineHistory(instances);
    }

    /// <summary>Times a worker started running the activity (a crash or lost lease makes a second dispatch).</summary>
    public int Dispatches(string activity) => Instances.Sum(h => h.OfType<TaskStarted>().Count(e => e.Name == activity));

    /// <summary>Attempts scheduled under the retry policy (1 when it never failed).</summary>
    public int Attempts(string activity) => Instances.Sum(h => h.OfType<TaskScheduled>().Count(e => e.Name == activity));

    public int Failures(string activity) => Instances.Sum(h =>
    {
        var ids = h.OfType<TaskScheduled>().Where(e => e.Name == activity).Select(e => e.TaskId).ToHashSet();
        return h.OfType<TaskFailed>().Count(f => ids.Contains(f.TaskId));
    });
}
