using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using RankDistill.Activities.Data;

namespace RankDistill.Activities.Baselines;

/// <summary>
/// The BM25 baseline, scored by Lucene's <see cref="BM25Similarity"/> (the Lucene that
/// Anserini's baselines are built on) over an in-memory index of the corpus. Text goes through
/// Lucene's <see cref="EnglishAnalyzer"/> (standard tokenizer, lower case, English stop words,
/// Porter stemming), as in Anserini's default English indexing. A query is analysed the same
/// way and becomes a bag of <see cref="TermQuery"/>s (a repeated term weighs more), never
/// passed to a query parser, so "title:x AND (" is just words. Thread-safe once built.
/// </summary>
public sealed class Bm25Ranker : IDisposable
{
    private const string TextField = "text";
    private const string KeyField = "key";
    private static readonly LuceneVersion _version = LuceneVersion.LUCENE_48;

    private readonly Analyzer _analyzer;
    private readonly RAMDirectory _directory;
    private readonly DirectoryReader _reader;
    private readonly IndexSearcher _searcher;
    private readonly Dictionary<string, int> _docIds;

    private Bm25Ranker(Analyzer analyzer, RAMDirectory directory, DirectoryReader reader, Similarity similarity, Dictionary<string, int> docIds)
    {
        _analyzer = analyzer;
        _directory = directory;
        _reader = reader;
        _searcher = new IndexSearcher(reader) { Similarity = similarity };
        _docIds = docIds;
    }

    /// <summary>Distinct documents indexed: the N of BM25's idf.</summary>
    public int DocumentCount => _docIds.Count;

    /// <summary>Indexes the distinct documents of <paramref name="corpus"/>; their statistics (idf, average length) are the corpus's.</summary>
    public static Bm25Ranker Build(IEnumerable<Bm25Document> corpus, Bm25Options? options = null)
    {
        options ??= new Bm25Options();
        options.Validate();
        var similarity = new BM25Similarity(options.K1, options.B);
        var analyzer = new EnglishAnalyzer(_version);
        var directory = new RAMDirectory();
        try
        {
            using (var writer = new IndexWriter(directory, new IndexWriterConfig(_version, analyzer) { Similarity = similarity }))
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var document in corpus)
                {
                    var key = KeyOf(document);
                    if (!seen.Add(key))
                        continue;
                    writer.AddDocument(new Document
                    {
                        new StringField(KeyField, key, Field.Store.YES),
                        new TextField(TextField, document.Title + "\n" + document.Summary, Field.Store.NO),
                    });
                }
                writer.Commit();
            }
            var reader = DirectoryReader.Open(directory);
            // Map from stored keys rather than assume insertion order: merges may reorder segments.
            var docIds = new Dictionary<string, int>(reader.MaxDoc, StringComparer.Ordinal);
            for (var id = 0; id < reader.MaxDoc; id++)
                docIds[reader.Document(id).Get(KeyField)] = id;
            return new Bm25Ranker(analyzer, directory, reader, similarity, docIds);
        }
        catch
        {
            analyzer.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// BM25 scores of <paramref name="candidates"/> for <paramref name="query"/>, in input order;
    /// a candidate sharing no term with the query scores 0.
    /// </summary>
    /// <exception cref="ArgumentException">A candidate is not in the corpus the ranker was built on.</exception>
    public float[] Score(string query, IReadOnlyList<Bm25Document> candidates)
    {
        var ids = candidates.Select(c => _docIds.TryGetValue(KeyOf(c), out var id)
            ? id
            : throw new ArgumentException($"candidate '{c.Title}' is not in the indexed corpus", nameof(candidates))).ToArray();
        var scores = new float[candidates.Count];
        if (BuildQuery(query) is not { } luceneQuery || ids.Length == 0)
            return scores;
        var distinct = ids.Distinct().ToArray();
        var hits = _searcher.Search(luceneQuery, new CandidateFilter(distinct), distinct.Length).ScoreDocs.ToDictionary(h => h.Doc, h => h.Score);
        for (var i = 0; i < ids.Length; i++)
            scores[i] = hits.GetValueOrDefault(ids[i]);
        return scores;
    }

    /// <summary>
    /// Scores every document of every list for its query, with one index over all the lists'
    /// documents: the evaluation baseline. Scores come back per list, in document order.
    /// </summary>
    public static IReadOnlyList<float[]> ScoreLists(IReadOnlyList<GradedList> lists, Bm25Options? options = null)
    {
        var documents = lists.Select(l => l.Docs.Select(d => new Bm25Document(d.Title, d.Summary)).ToArray()).ToArray();
        using var ranker = Build(documents.SelectMany(d => d), options);
        return [.. lists.Select((list, i) => ranker.Score(list.Query, documents[i]))];
    }

    public void Dispose()
    {
        _reader.Dispose();
        _directory.Dispose();
        _analyzer.Dispose();
    }

    private static string KeyOf(Bm25Document document) => document.Title + "\u001f" + document.Summary;

    /// <summary>The analysed query as SHOULD clauses, one a distinct term boosted by its count; null when no term survives analysis.</summary>
    private BooleanQuery? BuildQuery(string query)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var tokens = _analyzer.GetTokenStream(TextField, query))
        {
            var term = tokens.AddAttribute<ICharTermAttribute>();
            tokens.Reset();
            while (tokens.IncrementToken())
            {
                var text = term.ToString();
                counts[text] = counts.GetValueOrDefault(text) + 1;
            }
            tokens.End();
        }
        if (counts.Count == 0)
            return null;
        var boolean = new BooleanQuery(disableCoord: true);
        foreach (var (text, count) in counts.Take(BooleanQuery.MaxClauseCount))
            boolean.Add(new TermQuery(new Term(TextField, text)) { Boost = count }, Occur.SHOULD);
        return boolean;
    }
}
