using System.Text;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.Models.Llm;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tokenization;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// One shard of teacher labelling: the candidate lists [shard × size, (shard + 1) × size) of train then dev (a fixed
/// order), scored by the SFT teacher, written to <see cref="RunLayout.LabelShard"/> in one atomic write. A shard already
/// there that reads back whole, with the expected number of lists, is returned as it is.
/// </summary>
public sealed class TeacherLabeling(IArtifactStore store, IOptions<DeviceOptions> device, ActivityCancellation cancellation, ILogger<TeacherLabeling> logger)
    : TaskActivity<LabelShardRequest, LabelShardResult>
{
    /// <summary>Padded tokens per forward pass: scoring keeps no activations for backward, so this is memory-light.</summary>
    private const int TokenBudget = 8192;

    public override async Task<LabelShardResult> RunAsync(TaskActivityContext context, LabelShardRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = cancellation.Token;
        var size = input.Settings.LabelingShardSize;
        var all = await RunArtifacts.ReadCandidatesAsync(store, input.DataRunId ?? input.RunId, ct);
        if (input.Shard < 0 || (long)input.Shard * size >= all.Count)
            throw new ArgumentOutOfRangeException(nameof(input), input.Shard, $"Run {input.RunId} has {all.Count} candidate lists: {(all.Count + size - 1) / size} shards of {size}.");
        var lists = all.Skip(input.Shard * size).Take(size).ToList();
        var path = RunLayout.LabelShard(input.RunId, input.Shard);
        if (await TryReadShardAsync(path, lists.Count, ct) is { } existing)
        {
            Logs.StepReused(logger, $"{nameof(TeacherLabeling)} shard {input.Shard}", input.RunId, path);
            return existing with { Shard = input.Shard };
        }

        var on = TorchRuntime.Configure(device.Value, logger);
        using var scratch = StageScratch.Create(input.RunId, $"{RunLayout.Stages.TeacherLabeling}-{input.Shard}", logger);
        var folder = await ModelFolders.DownloadAsync(store, RunLayout.Model(input.RunId, RunLayout.Stages.RankFinetuning), scratch.Folder("teacher"), ct);
        var encoder = TokenizerLoader.FromFolder(folder);
        var (teacher, _) = DecoderCheckpoint.LoadRanker(folder, on);
        using var _ = teacher;
        var inputs = lists.SelectMany(l => l.Docs.Select(d => encoder.Encode(l.Query, RankerText.Document(d.Title, d.Summary), input.Settings.MaxSequenceLength))).ToList();
        var scores = new BatchScorer(new BatchScorerOptions { PadTokenId = encoder.PadId, TokenBudget = TokenBudget })
            .Score(teacher, inputs, on, null, ct);

        var next = 0;
        var labelled = lists.Select(l => new LabelledList(l.Query, [.. l.Docs.Select(d => new LabelledDocument(d.Url, d.Title, d.Summary, scores[next++]))])).ToList();
        var text = new StringBuilder();
        foreach (var list in labelled)
            text.Append(PreparedJsonl.ToLine(list)).Append('\n');
        await store.WriteAsync(path, Encoding.UTF8.GetBytes(text.ToString()), ct);
        Logs.ShardLabelled(logger, input.RunId, input.Shard, labelled.Count, inputs.Count);
        return new LabelShardResult(input.Shard, path, labelled.Count, inputs.Count);
    }

    /// <summary>The shard's result when it is there and reads back whole (store writes are atomic, so it was complete).</summary>
    private async Task<LabelShardResult?> TryReadShardAsync(string path, int expectedLists, CancellationToken ct)
    {
        if (!await store.ExistsAsync(path, ct))
            return null;
        try
        {
            var lists = await ReadShardAsync(store, path, ct);
            if (lists.Count == expectedLists)
                return new LabelShardResult(-1, path, lists.Count, lists.Sum(l => l.Docs.Count));
            Logs.StepOutputDamaged(logger, nameof(TeacherLabeling), path, path, $"{lists.Count} lists where {expectedLists} were expected");
        }
        catch (JsonException e)
        {
            Logs.StepOutputDamaged(logger, nameof(TeacherLabeling), path, path, e.Message);
        }
        return null;
    }

    /// <summary>Every list of a label shard.</summary>
    internal static async Task<List<LabelledList>> ReadShardAsync(IArtifactStore store, string path, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(path, ct);
        var lists = new List<LabelledList>();
        await foreach (var list in PreparedJsonl.ReadAsync<LabelledList>(stream, ct))
            lists.Add(list);
        return lists;
    }
}
