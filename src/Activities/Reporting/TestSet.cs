using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Metrics;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// The held-out labelled queries every ranker is scored on, with the ids the TREC files use: query <c>q00001</c> is
/// the first list of the test file; a document's id is its URL (made whitespace-free and unique within its query).
/// </summary>
internal sealed class TestSet
{
    private TestSet(IReadOnlyList<GradedList> lists)
    {
        Lists = lists;
        QueryIds = [.. lists.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"q{i + 1:D5}"))];
        DocIds = [.. lists.Select(DocIdsOf)];
    }

    public IReadOnlyList<GradedList> Lists { get; }

    public IReadOnlyList<string> QueryIds { get; }

    public IReadOnlyList<string[]> DocIds { get; }

    public int Documents => Lists.Sum(l => l.Docs.Count);

    /// <summary>Reads the run's test lists (<see cref="PreparedDataPaths.EvalTest"/>).</summary>
    /// <exception cref="InvalidDataException">The file holds no list: there is nothing to evaluate.</exception>
    public static async Task<TestSet> ReadAsync(IArtifactStore store, string runId, CancellationToken cancellationToken)
    {
        var name = RunLayout.Prepared(runId, PreparedDataPaths.EvalTest);
        var lists = new List<GradedList>();
        await using (var stream = await store.OpenReadAsync(name, cancellationToken))
        {
            await foreach (var list in PreparedJsonl.ReadAsync<GradedList>(stream, cancellationToken))
            {
                if (list.Docs.Count > 0)
                    lists.Add(list);
            }
        }
        if (lists.Count == 0)
            throw new InvalidDataException($"'{name}' holds no test query with documents: there is nothing to evaluate on.");
        return new TestSet(lists);
    }

    /// <summary>The queries as one ranker scored them, for <see cref="RankingMetrics.Evaluate"/>.</summary>
    public IEnumerable<RankedQuery> Ranked(IReadOnlyList<double[]> scores) => Lists.Select((list, i) =>
        new RankedQuery(QueryIds[i], [.. list.Docs.Select(d => (double)d.Grade)], scores[i]));

    /// <summary>A TREC run's lines for one ranker's scores.</summary>
    public IEnumerable<ScoredDocument> Run(IReadOnlyList<double[]> scores) => Lists.SelectMany((list, i) =>
        list.Docs.Select((_, j) => new ScoredDocument(QueryIds[i], DocIds[i][j], scores[i][j])));

    /// <summary>The human grades as TREC qrels (the grade itself, 0–4, as the relevance).</summary>
    public IEnumerable<RelevanceJudgment> Qrels() => Lists.SelectMany((list, i) =>
        list.Docs.Select((d, j) => new RelevanceJudgment(QueryIds[i], DocIds[i][j], d.Grade)));

    private static string[] DocIdsOf(GradedList list)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = new string[list.Docs.Count];
        for (int j = 0; j < ids.Length; j++)
        {
            var doc = list.Docs[j];
            var id = IsTrecId(doc.Url) ? doc.Url : "doc-" + ShortHash(doc.Url + "\u001f" + doc.Title + "\u001f" + doc.Summary);
            // Two entries of one document in a list would collide in the qrels; the suffix keeps both.
            var unique = id;
            for (int n = 2; !seen.Add(unique); n++)
                unique = string.Create(CultureInfo.InvariantCulture, $"{id}#{n}");
            ids[j] = unique;
        }
        return ids;
    }

    private static bool IsTrecId(string text) => !string.IsNullOrEmpty(text) && !text.Any(char.IsWhiteSpace);

    private static string ShortHash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
