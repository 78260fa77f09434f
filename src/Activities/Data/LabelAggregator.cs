namespace RankDistill.Activities.Data;

/// <summary>
/// Gathers label rows into one graded list per normalised query. A query–url pair judged more
/// than once gets the mean of its grades, rounded half away from zero (two judges saying 2 and 3
/// make a 3); title and summary come from its first judgement. Documents keep first-seen order.
/// </summary>
internal sealed class LabelAggregator
{
    private readonly Dictionary<string, Dictionary<string, Judgement>> _byQuery = new(StringComparer.Ordinal);

    public long Pairs { get; private set; }

    public long RepeatedJudgements { get; private set; }

    public IEnumerable<string> Queries => _byQuery.Keys;

    public void Add(LabelRow row, string normalizedQuery)
    {
        if (!_byQuery.TryGetValue(normalizedQuery, out var docs))
            _byQuery[normalizedQuery] = docs = new Dictionary<string, Judgement>(StringComparer.Ordinal);
        if (docs.TryGetValue(row.Url, out var judgement))
        {
            if (judgement.Count == 1)
                RepeatedJudgements++;
            judgement.GradeSum += row.Grade;
            judgement.Count++;
            return;
        }
        docs[row.Url] = new Judgement(row.Title, row.Summary, docs.Count) { GradeSum = row.Grade, Count = 1 };
        Pairs++;
    }

    /// <summary>The lists of the queries <paramref name="include"/> accepts, by query in ordinal order (stable output).</summary>
    public IEnumerable<GradedList> Lists(Func<string, bool> include) =>
        _byQuery.Where(q => include(q.Key))
            .OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => new GradedList(q.Key, [.. q.Value.OrderBy(d => d.Value.Order).Select(d => d.Value.ToDocument(d.Key))]));

    private sealed class Judgement(string title, string summary, int order)
    {
        public int Order => order;
        public long GradeSum { get; set; }
        public int Count { get; set; }

        public GradedDocument ToDocument(string url) =>
            new(url, title, summary, (int)Math.Round((double)GradeSum / Count, MidpointRounding.AwayFromZero));
    }
}
