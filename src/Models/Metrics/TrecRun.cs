using System.Globalization;

namespace RankDistill.Models.Metrics;

/// <summary>
/// TREC run files, `qid Q0 docno rank score tag` a line, as trec_eval reads them. trec_eval ignores
/// the rank column and orders by score descending, breaking ties by docno descending; the writer
/// assigns ranks in that same order so the file reads consistently.
/// </summary>
public static class TrecRun
{
    public static void Write(TextWriter writer, IEnumerable<ScoredDocument> documents, string runTag)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(documents);
        TrecFormat.Id(runTag, "Run tag");
        foreach (var query in documents.GroupBy(d => d.QueryId, StringComparer.Ordinal))
        {
            var ranked = query
                .OrderByDescending(d => d.Score)
                .ThenByDescending(d => d.DocId, StringComparer.Ordinal);
            int rank = 0;
            foreach (var d in ranked)
            {
                if (!double.IsFinite(d.Score))
                    throw new ArgumentException($"Query '{d.QueryId}', document '{d.DocId}': score {d.Score} is not finite.", nameof(documents));
                rank++;
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{TrecFormat.Id(d.QueryId, "Query id")} Q0 {TrecFormat.Id(d.DocId, "Document id")} {rank} {d.Score:R} {runTag}\n"));
            }
        }
    }

    /// <summary>Reads a run; a malformed line throws <see cref="FormatException"/> naming its line number.</summary>
    public static List<ScoredDocument> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var documents = new List<ScoredDocument>();
        foreach (var (number, line) in TrecFormat.Lines(reader))
        {
            var f = TrecFormat.Fields(line, 6, "Run", number);
            TrecFormat.ParseInt(f[3], "Run", number);
            documents.Add(new ScoredDocument(f[0], f[2], TrecFormat.ParseDouble(f[4], "Run", number)));
        }
        return documents;
    }
}
