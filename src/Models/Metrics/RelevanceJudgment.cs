namespace RankDistill.Models.Metrics;

/// <summary>One line of a TREC qrels file: a human relevance grade of a document for a query.</summary>
public sealed record RelevanceJudgment(string QueryId, string DocId, int Relevance);
