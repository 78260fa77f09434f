using RankDistill.Models.Checkpoints;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// The weights file of a training checkpoint: the module's own state dict (its own names, not Hugging
/// Face's) as safetensors, through the same reader and writer as model folders.
/// </summary>
internal static class CheckpointWeights
{
    /// <summary>Writes every tensor of the state dict as F32 (exact for F32, F16 and BF16 weights), in name order.</summary>
    public static void Save(string path, nn.Module module)
    {
        var tensors = module.state_dict()
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList();
        SafeTensorsWriter.Write(path, tensors, ScalarType.Float32);
    }

    /// <summary>
    /// Copies a saved state dict into the module in place, tensor by tensor, asserting the same names and
    /// shapes, so a checkpoint of another architecture fails loudly.
    /// </summary>
    public static void LoadInto(nn.Module module, string path)
    {
        using var reader = SafeTensorsReader.Open(path);
        var target = module.state_dict();
        var saved = reader.Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var missing = target.Keys.Where(k => !saved.Contains(k)).ToList();
        var unexpected = saved.Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{path}: missing tensors [{string.Join(", ", missing)}], unexpected tensors [{string.Join(", ", unexpected)}].");

        using var noGrad = no_grad();
        foreach (var (name, tensor) in target)
        {
            var entry = reader[name];
            if (!tensor.shape.SequenceEqual(entry.Shape))
                throw new InvalidDataException($"{path}: tensor '{name}' is [{string.Join(", ", entry.Shape)}], the model has [{string.Join(", ", tensor.shape)}].");
            using var source = reader.Read(entry);
            tensor.copy_(source);
        }
    }
}
