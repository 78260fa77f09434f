namespace RankDistill.Models.Metrics;

/// <summary>One line of a TREC run: a document a ranker scored for a query.</summary>
public sealed record ScoredDocument(string QueryId, string DocId, double Score);
