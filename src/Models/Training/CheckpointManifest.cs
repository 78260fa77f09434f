using System.Security.Cryptography;
using System.Text.Json;

namespace RankDistill.Models.Training;

/// <summary>
/// The file list of one checkpoint, written last: a checkpoint exists only once its manifest does,
/// and each file is trusted only when its size and SHA-256 match. Any <see cref="ICheckpointStore"/>
/// (a folder here, blob storage in the pipeline) writes and checks it the same way.
/// </summary>
public sealed record CheckpointManifest(long Step, IReadOnlyList<CheckpointFileEntry> Files)
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Hashes every file directly in <paramref name="directory"/>. Sub-folders are refused: a checkpoint is flat.</summary>
    public static async Task<CheckpointManifest> CreateAsync(long step, string directory, CancellationToken cancellationToken)
    {
        if (Directory.EnumerateDirectories(directory).Any())
            throw new ArgumentException($"Checkpoint folder {directory} has sub-folders; a checkpoint is a flat set of files.", nameof(directory));
        var files = new List<CheckpointFileEntry>();
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name == FileName)
                throw new ArgumentException($"Checkpoint folder {directory} already holds a {FileName}; the store writes it.", nameof(directory));
            await using var stream = File.OpenRead(path);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken);
            files.Add(new CheckpointFileEntry(name, stream.Length, Convert.ToHexStringLower(hash)));
        }
        return new CheckpointManifest(step, files);
    }

    public string ToJson() => JsonSerializer.Serialize(this, _json);

    /// <summary>Parses a manifest; anything unreadable is a <see cref="CorruptCheckpointException"/> naming <paramref name="where"/>.</summary>
    public static CheckpointManifest Parse(string json, string where)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<CheckpointManifest>(json, _json);
            if (manifest?.Files is null || manifest.Files.Any(f => f is null || string.IsNullOrEmpty(f.Name) || string.IsNullOrEmpty(f.Sha256)))
                throw new CorruptCheckpointException($"{where}: the manifest lacks its file list.");
            return manifest;
        }
        catch (JsonException ex)
        {
            throw new CorruptCheckpointException($"{where}: the manifest is not valid JSON ({ex.Message}).", ex);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destinationPath"/>, hashing on the way, and throws
    /// <see cref="CorruptCheckpointException"/> naming <paramref name="where"/> when the size or hash differs from <paramref name="expected"/>.
    /// </summary>
    public static async Task CopyVerifiedAsync(Stream source, string destinationPath, CheckpointFileEntry expected, string where, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(expected);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var destination = new FileStream(destinationPath, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }
        if (size != expected.Size)
            throw new CorruptCheckpointException($"{where}: {size} bytes, the manifest says {expected.Size}.");
        var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new CorruptCheckpointException($"{where}: SHA-256 {actual}, the manifest says {expected.Sha256}.");
    }
}
