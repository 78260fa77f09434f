using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>
/// Writes a safetensors file tensor by tensor: the header is computed from the shapes first, then each
/// tensor is converted on its own (to CPU, to the file dtype) and streamed out, so at most one
/// tensor's copy is held at a time. The file appears under its name only once complete.
/// </summary>
public static class SafeTensorsWriter
{
    private const int ChunkBytes = 16 << 20;

    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, ScalarType dtype, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this host is not");
        var header = Header(tensors, dtype, metadata);
        var temporary = path + ".partial";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header);
            foreach (var (_, tensor) in tensors)
            {
                using var scope = NewDisposeScope();
                var flat = tensor.detach().to(dtype, CPU).contiguous().view(-1);
                // In chunks: a span over a tensor's memory is limited to 2 GB, and an embedding table can be larger.
                var perChunk = ChunkBytes / SafeTensorEntry.ElementSize(dtype);
                for (long start = 0; start < flat.numel(); start += perChunk)
                {
                    using var chunk = flat.narrow(0, start, Math.Min(perChunk, flat.numel() - start));
                    stream.Write(chunk.bytes);
                }
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Bytes the data of these tensors takes in <paramref name="dtype"/>, to plan shards.</summary>
    public static long DataBytes(Tensor tensor, ScalarType dtype) => tensor.numel() * SafeTensorEntry.ElementSize(dtype);

    private static byte[] Header(IReadOnlyList<(string Name, Tensor Tensor)> tensors, ScalarType dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata ?? new Dictionary<string, string> { ["format"] = "pt" })
                json.WriteString(key, value);
            json.WriteEndObject();
            long offset = 0;
            var dtypeName = SafeTensorEntry.DtypeName(dtype);
            foreach (var (name, tensor) in tensors)
            {
                var bytes = DataBytes(tensor, dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", dtypeName);
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces to a multiple of 8 so the data section is aligned, as the reference writer does.
        var padding = (8 - (int)(buffer.Length % 8)) % 8;
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }
}
