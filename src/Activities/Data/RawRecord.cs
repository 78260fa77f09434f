using System.Globalization;
using System.Text.Json;

namespace RankDistill.Activities.Data;

/// <summary>
/// One row as read from any format, before validation: column name (case-insensitive) to a
/// value that is a string, long, double, bool, <see cref="DateTimeOffset"/>, <see cref="NonScalar"/> or null.
/// Every format feeds this, so one <see cref="FieldReader"/> gives the same reasons everywhere.
/// </summary>
internal sealed class RawRecord
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A JSON object or array where a scalar was expected; kept as its raw text for the reason.</summary>
    internal sealed record NonScalar(string Kind, string RawText);

    public void Set(string name, object? value) => _values[name] = value;

    public object? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>The row rendered as one JSON object, for the raw text of a rejected Parquet row.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonlRows.WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _values)
            {
                switch (value)
                {
                    case null: writer.WriteNull(name); break;
                    case bool b: writer.WriteBoolean(name, b); break;
                    case long l: writer.WriteNumber(name, l); break;
                    case double d when double.IsFinite(d): writer.WriteNumber(name, d); break;
                    case DateTimeOffset t: writer.WriteString(name, Timestamps.Format(t)); break;
                    default: writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
