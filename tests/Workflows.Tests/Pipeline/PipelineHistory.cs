using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>What an instance's history (and its labelling child's) says was called: attempts and failures per activity.</summary>
internal sealed record PipelineHistory(IReadOnlyList<IList<HistoryEvent>> Instances)
{
    public static async Task<PipelineHistory> ReadAsync(DurableTaskClient client, string instanceId)
    {
        var parent = await client.GetOrchestrationHistoryAsync(instanceId, TestContext.Current.CancellationToken);
        var instances = new List<IList<HistoryEvent>> { parent };
        // Teacher labelling runs in a child instance: its shards' events belong to the run too.
        foreach (var child in parent.OfType<SubOrchestrationInstanceCreatedEvent>().Select(c => c.InstanceId).Distinct().ToList())
            instances.Add(await client.GetOrchestrationHistoryAsync(child, TestContext.Current.CancellationToken));
        return new PipelineHistory(instances);
    }

    /// <summary>Attempts scheduled under the retry policy (1 when it never failed).</summary>
    public int Attempts(string activity) => Instances.Sum(h => h.OfType<TaskScheduledEvent>().Count(e => e.Name == activity));

    public int Failures(string activity) => Instances.Sum(h =>
    {
        var ids = h.OfType<TaskScheduledEvent>().Where(e => e.Name == activity).Select(e => e.EventId).ToHashSet();
        return h.OfType<TaskFailedEvent>().Count(f => ids.Contains(f.TaskScheduledId));
    });

    /// <summary>The failure and each failure it wraps, outermost first.</summary>
    public static IEnumerable<TaskFailureDetails> Chain(TaskFailureDetails? failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
            yield return f;
    }

    /// <summary>True when <paramref name="failure"/> or one it wraps is a <typeparamref name="TException"/>.</summary>
    public static bool IsCausedBy<TException>(TaskFailureDetails? failure) where TException : Exception =>
        Chain(failure).Any(f => f.ErrorType == typeof(TException).FullName);
}
