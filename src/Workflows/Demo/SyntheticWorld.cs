using RankDistill.Activities.Data;

namespace RankDistill.Workflows.Demo;

/// <summary>A meaning with its interchangeable surface forms: a topic's concept, or a modifier (Topic −1).</summary>
public sealed record WebConcept(int Id, int Topic, IReadOnlyList<string> Forms);

/// <summary>
/// A page of the synthetic web, with the hidden facts its text was written from: what it is
/// mainly about (<paramref name="Primary"/>), what else it covers, what it only mentions in
/// passing, the intent it serves (a modifier such as "cheap"), and whether it is keyword spam.
/// </summary>
public sealed record WebDocument(
    int Id, int Topic, string Site, string Url, string Title, string Summary,
    int Primary, int? Secondary, int? Mention, int? Modifier, bool Spam);

/// <summary>A query with the intent it was written from, and the documents a first-stage retrieval returns for it.</summary>
public sealed record WebQuery(
    int Id, string Text, int Topic, int Concept, int? SecondConcept, int? Modifier, string? Site, IReadOnlyList<int> Candidates);

/// <summary>One search: the results the production ranker showed, in order, and what the user did.</summary>
public sealed record WebImpression(int Query, string SessionId, DateTimeOffset Time, IReadOnlyList<ClickLogRow> Rows);

/// <summary>
/// A generated web: documents, queries with their candidates, the true relevance of every
/// pair (<see cref="TrueScore"/>, <see cref="TrueGrade"/>), the click log the production
/// ranker's users left, and the human labels of a sample of queries.
/// </summary>
public sealed record SyntheticWorld(
    SyntheticWebOptions Options,
    IReadOnlyList<string> TopicNames,
    IReadOnlyList<WebConcept> Concepts,
    IReadOnlyList<WebConcept> Modifiers,
    IReadOnlyList<WebDocument> Documents,
    IReadOnlyList<WebQuery> Queries,
    IReadOnlyList<WebImpression> Impressions,
    IReadOnlyList<LabelRow> Labels)
{
    /// <summary>Every click-log row, impression by impression.</summary>
    public IEnumerable<ClickLogRow> ClickLog => Impressions.SelectMany(i => i.Rows);

    /// <summary>The hidden relevance score of a document for a query (see <see cref="RelevanceModel"/>).</summary>
    public double TrueScore(WebQuery query, WebDocument document) => RelevanceModel.Score(query, document);

    /// <summary>The true grade, 0–4, before any labeller's noise.</summary>
    public int TrueGrade(WebQuery query, WebDocument document) => RelevanceModel.Grade(query, document);
}
