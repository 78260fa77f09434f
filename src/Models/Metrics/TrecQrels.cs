using System.Globalization;

namespace RankDistill.Models.Metrics;

/// <summary>
/// TREC qrels files, `qid 0 docno relevance` a line. trec_eval's ndcg_cut uses the relevance as a
/// linear gain; to compare with our 2^rel − 1 gain, write the judgments with relevance 2^rel − 1.
/// </summary>
public static class TrecQrels
{
    public static void Write(TextWriter writer, IEnumerable<RelevanceJudgment> judgments)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(judgments);
        foreach (var j in judgments)
        {
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{TrecFormat.Id(j.QueryId, "Query id")} 0 {TrecFormat.Id(j.DocId, "Document id")} {j.Relevance}\n"));
        }
    }

    /// <summary>Reads qrels; a malformed line throws <see cref="FormatException"/> naming its line number.</summary>
    public static List<RelevanceJudgment> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var judgments = new List<RelevanceJudgment>();
        foreach (var (number, line) in TrecFormat.Lines(reader))
        {
            var f = TrecFormat.Fields(line, 4, "Qrels", number);
            judgments.Add(new RelevanceJudgment(f[0], f[2], TrecFormat.ParseInt(f[3], "Qrels", number)));
        }
        return judgments;
    }

    /// <summary>
    /// Joins a run with judgments into the queries the metrics take: one per query of the run,
    /// unjudged documents labelled 0. Queries judged but absent from the run are left out, as
    /// trec_eval does without -c; unlike trec_eval, the ideal DCG comes from the run's documents only,
    /// which is the reranking setting (every candidate is scored).
    /// </summary>
    public static List<RankedQuery> Join(IEnumerable<ScoredDocument> run, IEnumerable<RelevanceJudgment> judgments)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(judgments);
        var grades = judgments.ToDictionary(j => (j.QueryId, j.DocId), j => j.Relevance);
        return run
            .GroupBy(d => d.QueryId, StringComparer.Ordinal)
            .Select(q => new RankedQuery(
                q.Key,
                q.Select(d => (double)grades.GetValueOrDefault((d.QueryId, d.DocId))).ToArray(),
                q.Select(d => d.Score).ToArray()))
            .ToList();
    }
}
