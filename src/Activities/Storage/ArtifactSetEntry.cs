using System.Text.Json.Serialization;

namespace RankDistill.Activities.Storage;

/// <summary>One file of a set as its manifest records it.</summary>
/// <param name="Name">Relative to the set's prefix, <c>/</c>-separated (e.g. <c>weights/model.safetensors</c>).</param>
/// <param name="Size">Length in bytes.</param>
/// <param name="Sha256">SHA-256 of the content, 64 lowercase hex digits.</param>
public sealed record ArtifactSetEntry(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("sha256")] string Sha256);
