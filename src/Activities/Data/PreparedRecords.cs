namespace RankDistill.Activities.Data;

/// <summary>One continued-pre-training example: a query and the title and summary of a document clicked for it.</summary>
public sealed record CptExample(string Query, string Title, string Summary);

/// <summary>A human-graded document of one query.</summary>
public sealed record GradedDocument(string Url, string Title, string Summary, int Grade);

/// <summary>One labelled query and its graded documents: an SFT list (train, dev) or an evaluation list (test).</summary>
public sealed record GradedList(string Query, IReadOnlyList<GradedDocument> Docs);

/// <summary>
/// A document impressed for a query, with how often it was shown and clicked there; 0 impressions for one drawn from the
/// corpus (<see cref="PrepareDataOptions.SampledCandidates"/>).
/// </summary>
public sealed record CandidateDocument(string Url, string Title, string Summary, int Impressions, int Clicks);

/// <summary>One query's distinct impressed documents: what the teacher labels for distillation.</summary>
public sealed record CandidateList(string Query, IReadOnlyList<CandidateDocument> Docs);
