namespace RankDistill.Activities.Data;

/// <summary>
/// Gathers the distinct documents impressed for each normalised query (by url, first-seen
/// title and summary, in first-seen order) with impression and click counts: the lists the
/// teacher labels. Memory grows with distinct query–url pairs, not with rows.
/// </summary>
internal sealed class CandidateAggregator
{
    private readonly Dictionary<string, Dictionary<string, Candidate>> _byQuery = new(StringComparer.Ordinal);

    public void Add(ClickLogRow row, string normalizedQuery)
    {
        if (!_byQuery.TryGetValue(normalizedQuery, out var docs))
            _byQuery[normalizedQuery] = docs = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        if (!docs.TryGetValue(row.Url, out var candidate))
            docs[row.Url] = candidate = new Candidate(row.Title, row.Summary, docs.Count);
        candidate.Impressions++;
        if (row.Clicked)
            candidate.Clicks++;
    }

    /// <summary>Every distinct document, by url, in url order (text as the first query in order has it): the corpus the logs show.</summary>
    public IReadOnlyList<CandidateDocument> Documents() =>
        [.. _byQuery.OrderBy(q => q.Key, StringComparer.Ordinal)
            .SelectMany(q => q.Value.Select(d => d.Value.ToDocument(d.Key)))
            .DistinctBy(d => d.Url, StringComparer.Ordinal)
            .OrderBy(d => d.Url, StringComparer.Ordinal)];

    public IEnumerable<CandidateList> Lists(Func<string, bool> include) =>
        _byQuery.Where(q => include(q.Key))
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => new CandidateList(q.Key, [.. q.Value.OrderBy(d => d.Value.Order).Select(d => d.Value.ToDocument(d.Key))]));

    private sealed class Candidate(string title, string summary, int order)
    {
        public int Order => order;
        public int Impressions { get; set; }
        public int Clicks { get; set; }

        public CandidateDocument ToDocument(string url) => new(url, title, summary, Impressions, Clicks);
    }
}
