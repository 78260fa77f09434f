using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c>, and weights in <c>model.safetensors</c> or in
/// shards listed by <c>model.safetensors.index.json</c>. Weights go through an architecture's
/// <see cref="WeightMap"/>, one tensor at a time, every shape checked.
/// </summary>
public static class HuggingFaceFolder
{
    public const string ConfigFile = "config.json";
    public const string SingleWeightsFile = "model.safetensors";
    public const string IndexFile = "model.safetensors.index.json";

    // A repeated key would otherwise resolve silently to its last value; HF's own files never repeat one.
    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true, AllowDuplicateProperties = false };

    public static T ReadConfig<T>(string folder)
    {
        var path = Path.Combine(folder, ConfigFile);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{folder}: no {ConfigFile}; not a Hugging Face checkpoint folder", path);
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<T>(stream, _json) ?? throw new InvalidDataException($"{path}: empty config");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes <c>config.json</c> without null fields, for every architecture.</summary>
    public static void WriteConfig<T>(string folder, T config)
    {
        Directory.CreateDirectory(folder);
        // Hugging Face takes a key that is present as set: "head_dim": null makes Qwen2 compute with None, while an absent
        // key falls back to the config class's default (hidden_size / num_attention_heads).
        var node = JsonSerializer.SerializeToNode(config, _json)?.AsObject() ?? throw new ArgumentNullException(nameof(config));
        foreach (var key in node.Where(kv => kv.Value is null || kv.Value.GetValueKind() == JsonValueKind.Null).Select(kv => kv.Key).ToList())
            node.Remove(key);
        File.WriteAllText(Path.Combine(folder, ConfigFile), node.ToJsonString(_json));
    }

    /// <summary>The weight files of a folder: the shards its index names, or its single file.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(index), documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{index}: not valid JSON ({e.Message})", e);
            }
            var map = (root as JsonObject)?["weight_map"] as JsonObject
                ?? throw new InvalidDataException($"{index}: no weight_map object");
            return map.Select(kv => ShardName(index, kv.Key, kv.Value)).Distinct().Order(StringComparer.Ordinal)
                .Select(f => Path.Combine(folder, f)).ToList();
        }
        var single = Path.Combine(folder, SingleWeightsFile);
        if (File.Exists(single))
            return [single];
        throw new FileNotFoundException($"{folder}: neither {SingleWeightsFile} nor {IndexFile}", single);
    }

    /// <summary>
    /// Copies every checkpoint tensor the map knows into the model, converting dtype and device.
    /// Throws <see cref="CheckpointMismatchException"/> on a wrong shape, or when required tensors are
    /// missing (all named); tensors of a task head may be missing when <paramref name="allowNewHead"/>.
    /// </summary>
    public static WeightLoadReport LoadWeights(nn.Module model, WeightMap map, string folder, bool allowNewHead = false)
    {
        var state = model.state_dict();
        var loaded = new List<string>();
        var unexpected = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in WeightFiles(folder))
        {
            using var reader = SafeTensorsReader.Open(file);
            foreach (var entry in reader.Entries)
            {
                if (!map.TryResolve(entry.Name, out var binding))
                {
                    if (!map.IsIgnored(entry.Name))
                        unexpected.Add(entry.Name);
                    continue;
                }
                if (!seen.Add(binding.CheckpointName))
                    throw new CheckpointMismatchException($"{file}: tensor '{entry.Name}' appears in more than one weight file");
                CopyInto(state, binding, reader, entry);
                loaded.Add(binding.CheckpointName);
            }
        }
        var missing = map.Bindings.Where(b => !b.LoadOnly && !seen.Contains(b.CheckpointName)).ToList();
        ThrowIfRequiredMissing(folder, missing, allowNewHead);
        return new WeightLoadReport(loaded, missing.Select(b => b.CheckpointName).ToList(), unexpected);
    }

    /// <summary>
    /// Refuses a folder whose headers do not hold the parameters its config implies, before the model is built: a
    /// config claiming a far larger model than its weights would otherwise be allocated in full first. Counts the
    /// tensors the map binds (a head or optional tensor only when the folder has it); throws
    /// <see cref="CheckpointMismatchException"/> with both counts, or naming required tensors that are missing.
    /// </summary>
    internal static void CheckParameterCount(WeightMap map, string folder, bool allowNewHead)
    {
        var held = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        foreach (var file in WeightFiles(folder))
        {
            using var reader = SafeTensorsReader.Open(file);
            foreach (var entry in reader.Entries)
            {
                // A tensor in two shards is refused by LoadWeights, naming it; here the first copy counts.
                if (map.TryResolve(entry.Name, out var binding))
                    held.TryAdd(binding.CheckpointName, entry);
            }
        }
        ThrowIfRequiredMissing(folder, map.Bindings.Where(b => !held.ContainsKey(b.CheckpointName)), allowNewHead);
        var present = map.Bindings.Where(b => held.ContainsKey(b.CheckpointName)).ToList();
        var implied = present.Sum(b => b.ElementCount);
        var inHeaders = present.Sum(b => held[b.CheckpointName].ElementCount);
        if (implied == inHeaders)
            return;
        var first = present.First(b => !held[b.CheckpointName].Shape.SequenceEqual(b.Shape));
        throw new CheckpointMismatchException(
            $"{folder}: {ConfigFile} implies {implied} parameters but the safetensors headers hold {inHeaders}; first difference: " +
            $"'{first.CheckpointName}' is [{string.Join(", ", held[first.CheckpointName].Shape)}] in the headers, [{string.Join(", ", first.Shape)}] by {ConfigFile}");
    }

    /// <summary>Writes the model's weights under their Hugging Face names, one file or shards plus an index.</summary>
    public static void SaveWeights(nn.Module model, WeightMap map, string folder, HuggingFaceSaveOptions? options = null)
    {
        options ??= new HuggingFaceSaveOptions();
        Directory.CreateDirectory(folder);
        var state = model.state_dict();
        using var scope = NewDisposeScope();
        var tensors = map.Bindings.Where(b => !b.LoadOnly).Select(b => (b.CheckpointName, Slice(state, b))).ToList();
        var shards = Shard(tensors, options);
        // Shards of an earlier save under other names would confuse a reader that globs instead of reading the index.
        foreach (var stale in Directory.EnumerateFiles(folder, "model-*-of-*.safetensors"))
            File.Delete(stale);
        if (shards.Count == 1)
        {
            SafeTensorsWriter.Write(Path.Combine(folder, SingleWeightsFile), shards[0], options.Dtype);
            File.Delete(Path.Combine(folder, IndexFile));
            return;
        }
        var weightMap = new JsonObject();
        for (var i = 0; i < shards.Count; i++)
        {
            var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensorsWriter.Write(Path.Combine(folder, name), shards[i], options.Dtype);
            foreach (var (tensorName, _) in shards[i])
                weightMap[tensorName] = name;
        }
        var total = tensors.Sum(t => SafeTensorsWriter.DataBytes(t.Item2, options.Dtype));
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(folder, IndexFile), index.ToJsonString(_json));
        File.Delete(Path.Combine(folder, SingleWeightsFile));
    }

    private static void ThrowIfRequiredMissing(string folder, IEnumerable<WeightBinding> missing, bool allowNewHead)
    {
        var fatal = missing.Where(b => !b.LoadOnly && !(b.Head && allowNewHead)).Select(b => b.CheckpointName).ToList();
        if (fatal.Count > 0)
            throw new CheckpointMismatchException($"{folder}: {fatal.Count} tensor(s) the model needs are missing: {string.Join(", ", fatal)}");
    }

    private static void CopyInto(Dictionary<string, Tensor> state, WeightBinding binding, SafeTensorsReader reader, SafeTensorEntry entry)
    {
        using var scope = NewDisposeScope();
        var target = Slice(state, binding);
        if (!target.shape.SequenceEqual(entry.Shape))
            throw new CheckpointMismatchException(
                $"{reader.Path}: tensor '{entry.Name}' has shape [{string.Join(", ", entry.Shape)}] but the model expects [{string.Join(", ", target.shape)}] for {binding.ParameterName} (does config.json match the weights?)");
        var source = reader.Read(entry);
        using (no_grad())
            target.copy_(source);
    }

    private static Tensor Slice(Dictionary<string, Tensor> state, WeightBinding binding)
    {
        if (!state.TryGetValue(binding.ParameterName, out var parameter))
            throw new InvalidOperationException($"weight map names '{binding.ParameterName}', which the model does not have");
        return binding.Rows is { } rows ? parameter.narrow(0, binding.RowOffset, rows) : parameter;
    }

    private static List<List<(string Name, Tensor Tensor)>> Shard(List<(string Name, Tensor Tensor)> tensors, HuggingFaceSaveOptions options)
    {
        var shards = new List<List<(string, Tensor)>> { new() };
        long size = 0;
        foreach (var t in tensors)
        {
            var bytes = SafeTensorsWriter.DataBytes(t.Tensor, options.Dtype);
            if (options.MaxShardBytes is { } max && size > 0 && size + bytes > max)
            {
                shards.Add([]);
                size = 0;
            }
            shards[^1].Add(t);
            size += bytes;
        }
        return shards;
    }

    /// <summary>
    /// A shard's file name from the index, refused unless it is a plain name in the folder: HF writes
    /// <c>model-00001-of-00002.safetensors</c>, and a downloaded index must not point a load at other files.
    /// </summary>
    private static string ShardName(string index, string tensor, JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var name))
            throw new InvalidDataException($"{index}: tensor '{tensor}' maps to {value?.ToJsonString() ?? "null"}, not a file name");
        if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || Path.IsPathRooted(name))
            throw new InvalidDataException($"{index}: tensor '{tensor}' maps to '{name}', which is not a file name inside the folder");
        return name;
    }
}
