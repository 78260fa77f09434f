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

    public long? Integer(string name, bool required)
    {
        var value = record.Get(name);
        switch (value)
        {
            case null:
            case string s when string.IsNullOrWhiteSpace(s):
                if (required)
                    Fail($"missing {name}");
                return null;
            case long l:
                return l;
            case double d when d == Math.Floor(d) && d >= long.MinValue && d <= long.MaxValue:
                return (long)d;
            case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                Fail($"{name} is not an integer: '{Describe(value)}'");
                return null;
        }
    }

    public bool? Boolean(string name, bool required)
    {
        var value = record.Get(name);
        switch (value)
        {
            case null:
            case string s when string.IsNullOrWhiteSpace(s):
                if (required)
                    Fail($"missing {name}");
                return null;
            case bool b:
                return b;
            case long l when l is 0 or 1:
                return l == 1;
            case string s when s.Trim() is var t && (t == "1" || t.Equals("true", StringComparison.OrdinalIgnoreCase)):
                return true;
            case string s when s.Trim() is var t && (t == "0" || t.Equals("false", StringComparison.OrdinalIgnoreCase)):
                return false;
            default:
                Fail($"{name} is not a boolean: '{Describe(value)}'");
                return null;
        }
    }

    public DateTimeOffset? Timestamp(string name)
    {
        var value = record.Get(name);
        switch (value)
        {
            case null:
            case string s when string.IsNullOrWhiteSpace(s):
                return null;
            case DateTimeOffset t:
                return t;
            case long l when Timestamps.TryFromEpochMillis(l, out var fromMillis):
                return fromMillis;
            case string s when Timestamps.TryParse(s.Trim(), out var parsed):
                return parsed;
            default:
                Fail($"{name} is not a timestamp (ISO 8601 or epoch milliseconds): '{Describe(value)}'");
                return null;
        }
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
