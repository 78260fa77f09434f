namespace RankDistill.Workflows.Demo;

/// <summary>
/// Picks a query's candidates the way a first-stage retrieval would return them: pages on
/// its concept in any wording, pages that cover or mention it, the named site's pages, a
/// keyword-stuffed page, pages of other topics that share its words, other pages of its
/// topic, and a few random ones. Enough of each that reranking matters.
/// </summary>
internal sealed class CandidateSampler
{
    private readonly IReadOnlyList<WebDocument> _documents;
    private readonly Dictionary<string, List<int>> _byWord = new(StringComparer.Ordinal);
    private readonly int _count;
    private readonly DemoRandom _random;

    public CandidateSampler(IReadOnlyList<WebDocument> documents, int count, DemoRandom random)
    {
        _documents = documents;
        _count = count;
        _random = random;
        foreach (var document in documents)
        {
            foreach (var word in RelevanceModel.Words(document.Title + " " + document.Summary).Distinct())
            {
                if (!_byWord.TryGetValue(word, out var list))
                    _byWord[word] = list = [];
                list.Add(document.Id);
            }
        }
    }

    public IReadOnlyList<int> For(WebQuery query)
    {
        bool OnConcept(WebDocument d, int? concept) => concept is { } c && d.Topic == query.Topic && (d.Primary == c);
        bool Covers(WebDocument d, int? concept) => concept is { } c && d.Topic == query.Topic && (d.Secondary == c || d.Mention == c);
        var queryWords = RelevanceModel.Words(query.Text).Where(RelevanceModel.IsContentWord).ToHashSet(StringComparer.Ordinal);
        var lookAlikes = queryWords.Where(_byWord.ContainsKey).SelectMany(w => _byWord[w]).Distinct().Order().Select(id => _documents[id])
            .Where(d => !OnConcept(d, query.Concept) && !OnConcept(d, query.SecondConcept));

        var chosen = new List<int>(_count);
        Take(chosen, _documents.Where(d => !d.Spam && (OnConcept(d, query.Concept) || OnConcept(d, query.SecondConcept))), Share(0.3));
        Take(chosen, _documents.Where(d => Covers(d, query.Concept) || Covers(d, query.SecondConcept)), Share(0.15));
        if (query.Site is { } site)
            Take(chosen, _documents.Where(d => d.Topic == query.Topic && d.Site == site), 2);
        if (_random.Chance(0.8))
            Take(chosen, _documents.Where(d => d.Spam && d.Topic == query.Topic), 2);
        Take(chosen, lookAlikes, Share(0.25));
        Take(chosen, _documents.Where(d => d.Topic == query.Topic), Share(0.2));
        Take(chosen, _documents, _count);
        _random.Shuffle(chosen);
        return chosen;
    }

    private int Share(double fraction) => (int)Math.Ceiling(fraction * _count);

    /// <summary>Adds up to <paramref name="take"/> random documents of the pool not chosen yet, never past the candidate count.</summary>
    private void Take(List<int> chosen, IEnumerable<WebDocument> pool, int take)
    {
        var fresh = pool.Select(d => d.Id).Where(id => !chosen.Contains(id)).ToList();
        _random.Shuffle(fresh);
        chosen.AddRange(fresh.Take(Math.Min(take, _count - chosen.Count)));
    }
}
