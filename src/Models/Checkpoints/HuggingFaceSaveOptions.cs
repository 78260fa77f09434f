using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>How <see cref="HuggingFaceFolder.SaveWeights"/> writes a model.</summary>
public sealed record HuggingFaceSaveOptions
{
    /// <summary>Element type on disk: float32 keeps a round trip exact; BF16/F16 halve the size.</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>Largest shard in bytes; null writes one <c>model.safetensors</c>. HF's own default is 5 GB.</summary>
    public long? MaxShardBytes { get; init; }
}
