using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// A minimal safetensors writer and reader for the trainer's weights file: an 8-byte little-endian
/// header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian data.
/// Kept in this one file so it can be swapped for src/Models/Checkpoints' reader and writer at merge.
/// </summary>
internal static class CheckpointTensors
{
    private static readonly Dictionary<ScalarType, string> _names = new()
    {
        [ScalarType.Float32] = "F32",
        [ScalarType.Float16] = "F16",
        [ScalarType.BFloat16] = "BF16",
        [ScalarType.Float64] = "F64",
        [ScalarType.Int64] = "I64",
        [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16",
        [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8",
        [ScalarType.Bool] = "BOOL",
    };

    private static readonly Dictionary<string, ScalarType> _types = _names.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Writes the tensors in name order, data copied to the CPU; bytes are exactly the tensors' own.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var scope = NewDisposeScope();
        var ordered = tensors
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, Tensor: kv.Value.detach().cpu().contiguous()))
            .ToList();

        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, t) in ordered)
        {
            if (!_names.TryGetValue(t.dtype, out var dtype))
                throw new NotSupportedException($"Tensor '{name}': dtype {t.dtype} has no safetensors name here.");
            long size = t.NumberOfElements * t.ElementSize;
            header[name] = new { dtype, shape = t.shape, data_offsets = new[] { offset, offset + size } };
            offset += size;
        }

        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;                 // the format aligns the data to 8 bytes
        var headerBytes = new byte[padded];
        Array.Fill(headerBytes, (byte)' ');
        json.CopyTo(headerBytes, 0);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        file.Write(length);
        file.Write(headerBytes);
        foreach (var (_, t) in ordered)
            file.Write(t.bytes);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Reads every tensor onto the CPU; a malformed file throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        var data = File.ReadAllBytes(path);
        if (data.Length < 8)
            throw new InvalidDataException($"{path}: too short for a safetensors file.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
        if (headerLength > (ulong)(data.Length - 8))
            throw new InvalidDataException($"{path}: header length {headerLength} runs past the end of the file.");
        long dataStart = 8 + (long)headerLength;

        using var header = JsonDocument.Parse(data.AsMemory(8, (int)headerLength));
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
                continue;
            var dtypeName = entry.Value.GetProperty("dtype").GetString()!;
            if (!_types.TryGetValue(dtypeName, out var dtype))
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' has unsupported dtype {dtypeName}.");
            long[] shape = [.. entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt64()).ToArray();

            var t = empty(shape, dtype);
            long expected = t.NumberOfElements * t.ElementSize;
            if (offsets.Length != 2 || offsets[1] - offsets[0] != expected || dataStart + offsets[1] > data.Length || offsets[0] < 0)
            {
                t.Dispose();
                throw new InvalidDataException($"{path}: tensor '{entry.Name}' has data offsets [{string.Join(", ", offsets)}] that do not hold {expected} bytes.");
            }
            t.bytes = data.AsSpan((int)(dataStart + offsets[0]), (int)expected);
            result[entry.Name] = t;
        }
        return result;
    }

    /// <summary>
    /// Copies a saved state dict into a module's parameters and buffers, in place, asserting the
    /// same names, shapes and dtypes, so a checkpoint of another architecture fails loudly.
    /// </summary>
    public static void LoadInto(nn.Module module, string path)
    {
        var saved = Load(path);
        try
        {
            var target = module.state_dict();
            var missing = target.Keys.Except(saved.Keys).ToList();
            var unexpected = saved.Keys.Except(target.Keys).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new InvalidDataException($"{path}: missing tensors [{string.Join(", ", missing)}], unexpected tensors [{string.Join(", ", unexpected)}].");

            using var noGrad = no_grad();
            foreach (var (name, t) in target)
            {
                var source = saved[name];
                if (!t.shape.SequenceEqual(source.shape) || t.dtype != source.dtype)
                    throw new InvalidDataException($"{path}: tensor '{name}' is {source.dtype} [{string.Join(", ", source.shape)}], the model has {t.dtype} [{string.Join(", ", t.shape)}].");
                t.copy_(source);
            }
        }
        finally
        {
            foreach (var t in saved.Values)
                t.Dispose();
        }
    }
}
