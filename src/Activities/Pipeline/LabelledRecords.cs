namespace RankDistill.Activities.Pipeline;

/// <summary>A candidate document with the teacher's score: a line of a label shard holds one query's list of them.</summary>
public sealed record LabelledDocument(string Url, string Title, string Summary, float Score);

/// <summary>
/// One query's candidates scored by the teacher: a line of <see cref="RunLayout.LabelShard"/>, in the JSON Lines of
/// the prepared data (<c>{"query","docs":[{"url","title","summary","score"}]}</c>).
/// </summary>
public sealed record LabelledList(string Query, IReadOnlyList<LabelledDocument> Docs);
