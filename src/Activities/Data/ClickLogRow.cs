namespace RankDistill.Activities.Data;

/// <summary>
/// One impression of one result in a click log: the query, the result as shown (title and
/// summary), where it was shown and whether it was clicked.
/// </summary>
/// <param name="Query">The query as logged (trimmed); see <see cref="QueryText.Normalize"/> for the form used to group and split.</param>
/// <param name="Title">The result's title.</param>
/// <param name="Summary">The result's summary (snippet); empty when the log has none.</param>
/// <param name="Url">The result's absolute URL: the document's identity within a query.</param>
/// <param name="Position">1-based rank at which the result was shown.</param>
/// <param name="Clicked">Whether the user clicked it.</param>
/// <param name="DwellMs">Time spent on the page after a click, in milliseconds, when logged.</param>
/// <param name="SessionId">The search session, when logged; part of the duplicate key.</param>
/// <param name="Timestamp">When the impression happened, when logged; part of the duplicate key.</param>
public sealed record ClickLogRow(
    string Query,
    string Title,
    string Summary,
    string Url,
    int Position,
    bool Clicked,
    long? DwellMs = null,
    string? SessionId = null,
    DateTimeOffset? Timestamp = null);
