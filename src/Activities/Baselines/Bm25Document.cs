namespace RankDistill.Activities.Baselines;

/// <summary>A document as BM25 sees it: its title and summary, indexed together as one field.</summary>
public sealed record Bm25Document(string Title, string Summary);
