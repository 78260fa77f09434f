using System.Globalization;

namespace RankDistill.Activities.Data;

/// <summary>
/// Reads typed fields out of a <see cref="RawRecord"/> and keeps the first problem as the
/// row's rejection reason ("position is not an integer: 'x'"). Reasons read "kind: detail";
/// summaries count them by the kind (<see cref="RejectionReasons.KindOf"/>). Later calls still return
/// defaults, so a schema reads every field in order and checks <see cref="Error"/> once.
/// </summary>
internal sealed class FieldReader(RawRecord record)
{
    /// <summary>The first problem found, or null when every field read so far was valid.</summary>
    public string? Error { get; private set; }

    public void Fail(string reason) => Error ??= reason;

    /// <summary>Text, trimmed; null when absent, null or blank.</summary>
    public string? Text(string name)
    {
        var value = record.Get(name);
        switch (value)
        {
            case null:
                return null;
            case string s:
                var trimmed = s.Trim();
                return trimmed.Length == 0 ? null : trimmed;
            case RawRecord.NonScalar n:
                Fail($"{name} is a JSON {n.Kind}, expected text: '{Shorten(n.RawText)}'");
                return null;
            case DateTimeOffset t:
                return Timestamps.Format(t);
            case bool b:
                return b ? "true" : "false";
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    public string RequiredText(string name)
    {
        var text = Text(name);
        if (text is null)
            Fail($"missing {name}");
        return text ?? "";
    }

    public long? Integer(string name, bool required) => Present(name, required) switch
    {
        null => null,
        long l => l,
        double d when d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        var other => Invalid<long>(name, "an integer", other),
    };

    public bool? Boolean(string name, bool required) => Present(name, required) switch
    {
        null => null,
        bool b => b,
        long l when l is 0 or 1 => l == 1,
        string s when s.Trim() is "1" || s.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        string s when s.Trim() is "0" || s.Trim().Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var other => Invalid<bool>(name, "a boolean", other),
    };

    public DateTimeOffset? Timestamp(string name) => Present(name, required: false) switch
    {
        null => null,
        DateTimeOffset t => t,
        long l when Timestamps.TryFromEpochMillis(l, out var fromMillis) => fromMillis,
        string s when Timestamps.TryParse(s.Trim(), out var parsed) => parsed,
        var other => Invalid<DateTimeOffset>(name, "a timestamp (ISO 8601 or epoch milliseconds)", other),
    };

    /// <summary>The value, or null when absent, null or blank (then "missing name" if required).</summary>
    private object? Present(string name, bool required)
    {
        var value = record.Get(name);
        if (value is not null && !(value is string s && string.IsNullOrWhiteSpace(s)))
            return value;
        if (required)
            Fail($"missing {name}");
        return null;
    }

    private TValue? Invalid<TValue>(string name, string expected, object value)
        where TValue : struct
    {
        Fail($"{name} is not {expected}: '{Describe(value)}'");
        return null;
    }

    private static string Describe(object? value) => value switch
    {
        RawRecord.NonScalar n => Shorten(n.RawText),
        bool b => b ? "true" : "false",
        _ => Shorten(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    /// <summary>A reason quotes the bad value so it can be found; a runaway value is cut.</summary>
    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
