namespace RankDistill.Activities.Data;

/// <summary>A human relevance judgement of one result for one query.</summary>
/// <param name="Query">The query as labelled (trimmed).</param>
/// <param name="Title">The judged result's title.</param>
/// <param name="Summary">The judged result's summary; empty when none was given.</param>
/// <param name="Url">The judged result's absolute URL.</param>
/// <param name="Grade">0 (irrelevant) to 4 (perfect).</param>
public sealed record LabelRow(string Query, string Title, string Summary, string Url, int Grade)
{
    public const int MinGrade = 0;
    public const int MaxGrade = 4;
}
