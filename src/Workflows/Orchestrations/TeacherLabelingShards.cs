using Microsoft.DurableTask;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// The input of <see cref="TeacherLabelingShards"/>: which run, its settings, and how many shards PrepareData made;
/// <see cref="DataRunId"/> names the run whose candidate lists are labelled when not its own (an ablation's arm).
/// </summary>
public sealed record LabelingInput(string RunId, PipelineSettings Settings, int Shards)
{
    public string? DataRunId { get; init; }
}

/// <summary>
/// Teacher labelling as a sub-orchestration: one TeacherLabeling activity per shard of candidate lists, all scheduled
/// at once on the <c>gpu</c> queue (the GPU workers' concurrency bounds how many run), results gathered in shard
/// order. A crash loses only the shards in flight: finished ones are results in this history and are not run again.
/// Its own instance keeps the parent's history short however many shards there are.
/// </summary>
public sealed class TeacherLabelingShards : TaskOrchestrator<LabelingInput, IReadOnlyList<LabelShardResult>>
{
    public override async Task<IReadOnlyList<LabelShardResult>> RunAsync(TaskOrchestrationContext context, LabelingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        context.SetCustomStatus(new PipelineStatus(RunLayout.Stages.TeacherLabeling, 0, $"{input.Shards} shards"));
        var shards = Enumerable.Range(0, input.Shards)
            .Select(shard => context.CallTeacherLabelingAsync(new LabelShardRequest(input.RunId, input.Settings, shard) { DataRunId = input.DataRunId }))
            .ToList();
        var results = await Task.WhenAll(shards);
        context.SetCustomStatus(new PipelineStatus(RunLayout.Stages.TeacherLabeling, 1, $"{input.Shards} shards labelled"));
        return [.. results.OrderBy(r => r.Shard)];
    }
}
