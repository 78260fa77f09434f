using Microsoft.Extensions.Logging.Abstractions;
using RankDistill.Models.Metrics;
using RankDistill.Models.Scoring;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training.Support;

/// <summary>
/// Steps shared by the learning tests, generic over the ranker so the same checks run with the real
/// BERT and decoder once they exist: train with a task, score lists, evaluate, correlate.
/// </summary>
public static class RankingScenario
{
    public static Task<TrainingResult> TrainAsync<TModel, TExample>(
        TModel model, ITrainingTask<TModel, TExample> task, IReadOnlyList<TExample> examples, TrainerOptions options, string folder)
        where TModel : nn.Module
    {
        var store = new FolderCheckpointStore(Path.Combine(folder, "checkpoints"));
        var trainer = new Trainer<TModel, TExample>(model, task, options, store, Path.Combine(folder, "scratch"), NullLogger.Instance);
        return trainer.RunAsync(examples, null, CancellationToken.None);
    }

    /// <summary>Scores of every document of every list, lists in order, with the batch scorer.</summary>
    public static float[] Scores<TModel>(TModel model, IReadOnlyList<QueryList> lists)
        where TModel : nn.Module, IRanker =>
        new BatchScorer(new BatchScorerOptions()).Score(model, lists.SelectMany(l => l.Documents).ToArray());

    public static RankingReport Evaluate(IReadOnlyList<QueryList> lists, float[] scores)
    {
        var queries = new List<RankedQuery>();
        int offset = 0;
        foreach (var list in lists)
        {
            int n = list.Documents.Count;
            queries.Add(new RankedQuery(list.QueryId, [.. list.Targets.Select(t => (double)t)], [.. scores.Skip(offset).Take(n).Select(s => (double)s)]));
            offset += n;
        }
        return RankingMetrics.Evaluate(queries);
    }

    /// <summary>The same lists with each document's target replaced by the teacher's score.</summary>
    public static List<QueryList> WithTargets(IReadOnlyList<QueryList> lists, float[] scores)
    {
        int offset = 0;
        var result = new List<QueryList>();
        foreach (var list in lists)
        {
            result.Add(new QueryList(list.QueryId, list.Documents, scores[offset..(offset + list.Documents.Count)]));
            offset += list.Documents.Count;
        }
        return result;
    }

    public static double Pearson(float[] a, float[] b)
    {
        double meanA = a.Average(x => (double)x), meanB = b.Average(x => (double)x);
        double cov = 0, varA = 0, varB = 0;
        for (int i = 0; i < a.Length; i++)
        {
            cov += (a[i] - meanA) * (b[i] - meanB);
            varA += (a[i] - meanA) * (a[i] - meanA);
            varB += (b[i] - meanB) * (b[i] - meanB);
        }
        return cov / Math.Sqrt(varA * varB);
    }

    /// <summary>Every parameter and buffer as raw bytes, for bit-for-bit comparison.</summary>
    public static Dictionary<string, byte[]> WeightBytes(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().bytes.ToArray());
}
