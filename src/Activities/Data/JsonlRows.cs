using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RankDistill.Activities.Data;

/// <summary>JSON Lines: one JSON object a line, keys named as the schema's columns (any case).</summary>
internal static class JsonlRows
{
    /// <summary>Readable UTF-8 (no \u escapes for accents); the files are data, never embedded in HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async IAsyncEnumerable<ParsedRow<T>> ReadAsync<T>(
        TextLines lines, RowSchema<T> schema, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        await foreach (var line in lines.ReadAsync(cancellationToken))
        {
            yield return line.Failure is { } failure
                ? ParsedRow<T>.Rejected(failure)
                : ParseLine(line.Text, lines.File, line.Number, schema);
        }
    }

    public static ParsedRow<T> ParseLine<T>(string line, string file, long lineNumber, RowSchema<T> schema)
        where T : class
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            var column = (e.BytePositionInLine ?? 0) + 1;
            return ParsedRow<T>.Rejected(RejectedRow.ForRow(file, lineNumber, $"invalid JSON: column {column}: {FirstSentence(e.Message)}", line));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return ParsedRow<T>.Rejected(RejectedRow.ForRow(file, lineNumber, $"line is not a JSON object: {document.RootElement.ValueKind}", line));
            var record = new RawRecord();
            foreach (var property in document.RootElement.EnumerateObject())
                record.Set(property.Name, ToRaw(property.Value));
            return schema.Parse(record, file, lineNumber, () => line);
        }
    }

    public static string FormatLine<T>(T row, RowSchema<T> schema)
        where T : class
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            var values = schema.Values(row);
            for (var i = 0; i < values.Length; i++)
            {
                var name = schema.Columns[i].Name;
                switch (values[i])
                {
                    case null: break; // optional and absent: leave the key out
                    case string s: writer.WriteString(name, s); break;
                    case long l: writer.WriteNumber(name, l); break;
                    case bool b: writer.WriteBoolean(name, b); break;
                    case DateTimeOffset t: writer.WriteString(name, Timestamps.Format(t)); break;
                    default: throw new InvalidOperationException($"column {name} holds an unexpected {values[i]!.GetType()}");
                }
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static object? ToRaw(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? l : (object)value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => new RawRecord.NonScalar(value.ValueKind == JsonValueKind.Array ? "array" : "object", value.GetRawText()),
    };

    /// <summary>System.Text.Json appends "LineNumber: 0 | BytePositionInLine: 5."; the column is already in the reason.</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
