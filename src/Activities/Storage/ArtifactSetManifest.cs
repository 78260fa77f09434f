using System.Text.Json;
using System.Text.Json.Serialization;

namespace RankDistill.Activities.Storage;

/// <summary>
/// The file a set is published by, <c>&lt;prefix&gt;/manifest.json</c>, written after every file it lists:
/// <code>{"format": "rankdistill.artifact-set/1", "files": [{"name": "a.bin", "size": 3, "sha256": "…"}]}</code>
/// </summary>
public sealed record ArtifactSetManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("files")] IReadOnlyList<ArtifactSetEntry> Files)
{
    public const string FileName = "manifest.json";
    public const string CurrentFormat = "rankdistill.artifact-set/1";

    /// <summary>Largest manifest read; a million entries fit, and a garbage file cannot exhaust memory.</summary>
    internal const int MaxBytes = 64 << 20;

    private static readonly JsonSerializerOptions _json = new() { WriteIndented = true };

    internal byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, _json);

    /// <summary>Parses and checks a manifest; returns null and the reason when it is not a valid one.</summary>
    internal static ArtifactSetManifest? TryParse(ReadOnlySpan<byte> utf8, out string? problem)
    {
        ArtifactSetManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ArtifactSetManifest>(utf8, _json);
        }
        catch (JsonException e)
        {
            problem = $"it is not valid JSON ({e.Message})";
            return null;
        }
        problem = manifest is null ? "it is empty" : Check(manifest);
        return problem is null ? manifest : null;
    }

    private static string? Check(ArtifactSetManifest manifest)
    {
        if (manifest.Format != CurrentFormat)
            return $"its format is '{manifest.Format}', expected '{CurrentFormat}'";
        if (manifest.Files is null)
            return "it has no file list";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (file?.Name is null || file.Sha256 is null)
                return "an entry lacks its name or hash";
            if (!IsRelativeName(file.Name, out var rule))
                return $"it lists '{ArtifactName.Printable(file.Name)}', which is not a valid name: {rule}";
            if (!seen.Add(file.Name))
                return $"it lists '{file.Name}' twice";
            if (file.Size < 0)
                return $"it gives '{file.Name}' a negative size";
            if (file.Sha256.Length != 64 || !file.Sha256.All(char.IsAsciiHexDigitLower))
                return $"its hash of '{file.Name}' is not 64 lowercase hex digits";
        }
        return null;
    }

    internal static bool IsRelativeName(string name, out string? rule)
    {
        if (name == FileName)
        {
            rule = $"'{FileName}' is reserved for the manifest";
            return false;
        }
        try
        {
            ArtifactName.ValidateRelative(name);
            rule = null;
            return true;
        }
        catch (InvalidArtifactNameException e)
        {
            rule = e.Rule;
            return false;
        }
    }
}
