using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace RankDistill.Activities.Data;

/// <summary>
/// The JSON Lines that PrepareData writes and later steps read: one record a line, snake_case
/// keys. A CPT line is {"query","title","summary"}; an SFT or eval line is
/// {"query","docs":[{"url","title","summary","grade"}]}; a candidates line is
/// {"query","docs":[{"url","title","summary","impressions","clicks"}]}; a rejected line is
/// {"file","row_number","reason","raw_text"}.
/// </summary>
public static class PreparedJsonl
{
    public static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        IgnoreReadOnlyProperties = true,
    };

    public static string ToLine<T>(T record) => JsonSerializer.Serialize(record, SerializerOptions);

    public static T FromLine<T>(string line) =>
        JsonSerializer.Deserialize<T>(line, SerializerOptions) ?? throw new JsonException($"null record in line '{line}'");

    /// <summary>Reads a file written by <see cref="LineWriter"/>; these are our own outputs, so a bad line throws.</summary>
    public static async IAsyncEnumerable<T> ReadAsync<T>(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
                yield return FromLine<T>(line);
        }
    }

    /// <summary>Writes one record a line to a stream it owns.</summary>
    public sealed class LineWriter : IAsyncDisposable
    {
        private readonly StreamWriter _writer;

        public LineWriter(Stream stream) =>
            _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };

        public long Count { get; private set; }

        public async Task WriteAsync<T>(T record, CancellationToken cancellationToken)
        {
            await _writer.WriteLineAsync(ToLine(record).AsMemory(), cancellationToken);
            Count++;
        }

        public ValueTask DisposeAsync() => _writer.DisposeAsync();
    }
}
