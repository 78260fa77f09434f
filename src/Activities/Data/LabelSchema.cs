namespace RankDistill.Activities.Data;

/// <summary>Label columns: query, title, url and grade (integer 0–4) required; summary optional (default empty).</summary>
internal sealed class LabelSchema : RowSchema<LabelRow>
{
    public static readonly LabelSchema Instance = new();

    private static readonly ColumnSpec[] _columns =
    [
        new("query", ColumnKind.Text, Required: true),
        new("title", ColumnKind.Text, Required: true),
        new("summary", ColumnKind.Text, Required: false),
        new("url", ColumnKind.Text, Required: true),
        new("grade", ColumnKind.Integer, Required: true),
    ];

    public override IReadOnlyList<ColumnSpec> Columns => _columns;

    public override LabelRow? Parse(FieldReader fields)
    {
        var query = fields.RequiredText("query");
        var title = fields.RequiredText("title");
        var summary = fields.Text("summary") ?? "";
        var url = fields.RequiredText("url");
        RequireWebUrl(fields, url);
        var grade = fields.Integer("grade", required: true);
        if (grade is < LabelRow.MinGrade or > LabelRow.MaxGrade)
            fields.Fail($"grade outside {LabelRow.MinGrade}–{LabelRow.MaxGrade}: {grade}");
        if (fields.Error is not null)
            return null;
        return new LabelRow(query, title, summary, url, (int)grade!.Value);
    }

    public override object?[] Values(LabelRow row) => [row.Query, row.Title, row.Summary, row.Url, (long)row.Grade];
}
