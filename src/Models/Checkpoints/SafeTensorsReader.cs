using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw data. The header is checked against the file length before
/// anything is read; tensors are then read one at a time straight into their own storage, so memory
/// use is bounded by the largest tensor, never the file.
/// </summary>
public sealed class SafeTensorsReader : IDisposable
{
    // The format's own limit (safetensors refuses larger headers): guards against reading garbage as a length.
    private const long MaxHeaderBytes = 100_000_000;
    private const int ChunkBytes = 16 << 20;

    private readonly FileStream _stream;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    private SafeTensorsReader(string path, FileStream stream, long dataStart, List<SafeTensorEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _stream = stream;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>Tensors in the order of their data in the file.</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    /// <summary>The header's optional <c>__metadata__</c> strings (HF writes <c>format: pt</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates the header; throws <see cref="SafeTensorsFormatException"/> naming the problem.</summary>
    public static SafeTensorsReader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            var (dataStart, entries, metadata) = ReadHeader(path, stream);
            return new SafeTensorsReader(path, stream, dataStart, entries, metadata);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public SafeTensorEntry this[string name] =>
        _byName.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>Reads one tensor into a new CPU tensor of its file dtype.</summary>
    public Tensor Read(SafeTensorEntry entry)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this host is not");
        var tensor = empty(entry.Shape, entry.Dtype);
        try
        {
            _stream.Position = _dataStart + entry.Begin;
            using var flat = tensor.view(-1);
            var perChunk = ChunkBytes / SafeTensorEntry.ElementSize(entry.Dtype);
            for (long start = 0; start < entry.ElementCount; start += perChunk)
            {
                using var chunk = flat.narrow(0, start, Math.Min(perChunk, entry.ElementCount - start));
                _stream.ReadExactly(chunk.bytes);
            }
            return tensor;
        }
        catch (EndOfStreamException e)
        {
            tensor.Dispose();
            throw new SafeTensorsFormatException($"{Path}: tensor '{entry.Name}' ends past the end of the file (truncated?)", e);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    public void Dispose() => _stream.Dispose();

    private static (long DataStart, List<SafeTensorEntry> Entries, Dictionary<string, string> Metadata) ReadHeader(string path, FileStream stream)
    {
        var fileLength = stream.Length;
        if (fileLength < 8)
            throw new SafeTensorsFormatException($"{path}: {fileLength} bytes is too short for a safetensors file (no 8-byte header length)");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > MaxHeaderBytes)
            throw new SafeTensorsFormatException($"{path}: header length {headerLength} is over the {MaxHeaderBytes}-byte limit (not safetensors, or hostile)");
        if ((long)headerLength > fileLength - 8)
            throw new SafeTensorsFormatException($"{path}: header length {headerLength} does not fit a file of {fileLength} bytes (truncated or not safetensors)");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataStart = 8 + (long)headerLength;
        var entries = ParseHeader(path, header, fileLength - dataStart, out var metadata);
        return (dataStart, entries, metadata);
    }

    private static List<SafeTensorEntry> ParseHeader(string path, byte[] header, long dataLength, out Dictionary<string, string> metadata)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{path}: the header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException($"{path}: the header is not a JSON object");
            metadata = [];
            var entries = new List<SafeTensorEntry>();
            // JSON allows a repeated key; the reference reader refuses one, and so must we rather than keep either copy.
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafeTensorsFormatException($"{path}: tensor '{property.Name}' appears more than once in the header");
                if (property.Name == "__metadata__")
                {
                    ParseMetadata(path, property.Value, metadata);
                    continue;
                }
                entries.Add(ParseEntry(path, property, dataLength));
            }
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (var i = 1; i < entries.Count; i++)
            {
                if (entries[i].Begin < entries[i - 1].End)
                    throw new SafeTensorsFormatException($"{path}: tensors '{entries[i - 1].Name}' and '{entries[i].Name}' overlap");
            }
            return entries;
        }
    }

    private static void ParseMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsFormatException($"{path}: '__metadata__' is not an object ({value.ValueKind})");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsFormatException($"{path}: '__metadata__' entry '{m.Name}' is not a string ({m.Value.ValueKind})");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafeTensorEntry ParseEntry(string path, JsonProperty property, long dataLength)
    {
        var name = property.Name;
        try
        {
            var e = property.Value;
            var dtypeName = e.GetProperty("dtype").GetString() ?? "";
            if (!SafeTensorEntry.Dtypes.TryGetValue(dtypeName, out var dtype))
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' has dtype '{dtypeName}'; only F32, F16 and BF16 are read");
            var shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0) || offsets.Length != 2)
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' has a negative dimension or data_offsets without two entries");
            var entry = new SafeTensorEntry(name, dtype, shape, offsets[0], offsets[1]);
            if (entry.Begin < 0 || entry.End < entry.Begin)
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' has data_offsets [{entry.Begin}, {entry.End}] out of order");
            long needed;
            try
            {
                needed = checked(entry.ElementCount * SafeTensorEntry.ElementSize(dtype));
            }
            catch (OverflowException overflow)
            {
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}] whose size overflows 64 bits", overflow);
            }
            if (entry.ByteLength != needed)
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' spans {entry.ByteLength} bytes but shape [{string.Join(", ", shape)}] of {dtypeName} needs {needed}");
            if (entry.End > dataLength)
                throw new SafeTensorsFormatException($"{path}: tensor '{name}' ends at byte {entry.End} of the data but the file holds only {dataLength} (truncated?)");
            return entry;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SafeTensorsFormatException($"{path}: tensor '{name}' lacks a valid dtype, shape or data_offsets ({e.Message})", e);
        }
    }
}
