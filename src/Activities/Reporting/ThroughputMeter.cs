using System.Diagnostics;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// Documents per second of a ranker on a fixed set of query–document pairs. Only scoring is timed: each model
/// tokenizes the pairs with its own tokenizer first, since serving tokenizes once per request either way.
/// </summary>
internal static class ThroughputMeter
{
    /// <summary>
    /// Up to <paramref name="count"/> query–document pairs from the run's candidate lists (dev, then train), or from
    /// the test lists when the run has no candidates: the documents both models are timed on.
    /// </summary>
    public static async Task<List<(string Query, string Document)>> CandidatesAsync(
        IArtifactStore store, string runId, TestSet fallback, int count, CancellationToken cancellationToken)
    {
        var pairs = new List<(string, string)>(count);
        foreach (var path in new[] { PreparedDataPaths.CandidatesDev, PreparedDataPaths.CandidatesTrain })
        {
            var name = RunLayout.Prepared(runId, path);
            if (pairs.Count >= count || !await store.ExistsAsync(name, cancellationToken))
                continue;
            await using var stream = await store.OpenReadAsync(name, cancellationToken);
            await foreach (var list in PreparedJsonl.ReadAsync<CandidateList>(stream, cancellationToken))
            {
                foreach (var doc in list.Docs.Take(count - pairs.Count))
                    pairs.Add((list.Query, RankerText.Document(doc.Title, doc.Summary)));
                if (pairs.Count >= count)
                    break;
            }
        }
        if (pairs.Count == 0)
        {
            pairs.AddRange(fallback.Lists.SelectMany(l => l.Docs.Select(d => (l.Query, RankerText.Document(d.Title, d.Summary)))).Take(count));
        }
        return pairs;
    }

    /// <summary>Scores the first <paramref name="warmup"/> pairs untimed, then all of them <paramref name="passes"/> times; the fastest pass counts.</summary>
    /// <returns>Seconds of the fastest pass.</returns>
    public static double Measure(
        Func<EncodedSequence[], float[]> score, EncodedSequence[] inputs, int warmup, int passes)
    {
        if (warmup > 0)
            score(inputs[..Math.Min(warmup, inputs.Length)]);
        double best = double.PositiveInfinity;
        for (int pass = 0; pass < passes; pass++)
        {
            // The scorers copy scores to the CPU at each batch, which waits for a GPU to finish: the time is real.
            long start = Stopwatch.GetTimestamp();
            score(inputs);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return best;
    }

    /// <summary>Documents per second, guarded against a pass too quick for the clock.</summary>
    public static double Rate(int documents, double seconds) => documents / Math.Max(seconds, 1e-9);
}
