namespace RankDistill.Activities.Data;

/// <summary>
/// Click-log columns: query, title, url, position (integer ≥ 1) and clicked (true/false or 1/0)
/// are required; summary (default empty), dwell_ms (integer ≥ 0), session_id and ts
/// (ISO 8601 or epoch milliseconds) are optional.
/// </summary>
internal sealed class ClickLogSchema : RowSchema<ClickLogRow>
{
    public static readonly ClickLogSchema Instance = new();

    private static readonly ColumnSpec[] _columns =
    [
        new("query", ColumnKind.Text, Required: true),
        new("title", ColumnKind.Text, Required: true),
        new("summary", ColumnKind.Text, Required: false),
        new("url", ColumnKind.Text, Required: true),
        new("position", ColumnKind.Integer, Required: true),
        new("clicked", ColumnKind.Boolean, Required: true),
        new("dwell_ms", ColumnKind.Integer, Required: false),
        new("session_id", ColumnKind.Text, Required: false),
        new("ts", ColumnKind.Timestamp, Required: false),
    ];

    public override IReadOnlyList<ColumnSpec> Columns => _columns;

    public override ClickLogRow? Parse(FieldReader fields)
    {
        var query = fields.RequiredText("query");
        var title = fields.RequiredText("title");
        var summary = fields.Text("summary") ?? "";
        var url = fields.RequiredText("url");
        RequireWebUrl(fields, url);
        var position = fields.Integer("position", required: true);
        if (position is < 1)
            fields.Fail($"position is below 1: {position}");
        else if (position > int.MaxValue)
            fields.Fail($"position is too large: {position}");
        var clicked = fields.Boolean("clicked", required: true);
        var dwell = fields.Integer("dwell_ms", required: false);
        if (dwell is < 0)
            fields.Fail($"dwell_ms is negative: {dwell}");
        var session = fields.Text("session_id");
        var timestamp = fields.Timestamp("ts");
        if (fields.Error is not null)
            return null;
        return new ClickLogRow(query, title, summary, url, (int)position!.Value, clicked!.Value, dwell, session, timestamp);
    }

    public override object?[] Values(ClickLogRow row) =>
        [row.Query, row.Title, row.Summary, row.Url, (long)row.Position, row.Clicked, row.DwellMs, row.SessionId, row.Timestamp];
}
