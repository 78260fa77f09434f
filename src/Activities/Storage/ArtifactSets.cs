using System.Security.Cryptography;

namespace RankDistill.Activities.Storage;

/// <summary>
/// Atomic publication of a set of files on any <see cref="IArtifactStore"/>: the files are written under a prefix,
/// then <c>&lt;prefix&gt;/manifest.json</c> listing each with its size and SHA-256 is written last. A set is visible
/// only through a valid manifest, so a reader never sees a half-written set; and since each file is checked against
/// the manifest as it is read, a damaged file is caught and named. One set owns its prefix's folder: do not nest sets.
/// </summary>
public static class ArtifactSets
{
    /// <summary>
    /// Publishes <paramref name="files"/> as the set at <paramref name="prefix"/>, replacing an earlier one: its manifest
    /// is removed first (the set is absent while files are rewritten), and its files the new one does not list are
    /// removed after. Names are all checked before anything is written.
    /// </summary>
    public static async Task<ArtifactSet> PublishSetAsync(
        this IArtifactStore store, string prefix, IEnumerable<ArtifactSetFile> files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        prefix = CheckPrefix(prefix);
        var list = files.ToList();
        CheckNames(prefix, list);
        var manifestName = ManifestOf(prefix);
        var previous = (await ReadManifestAsync(store, manifestName, cancellationToken)).Manifest;
        await store.DeleteAsync(manifestName, cancellationToken);

        var entries = new List<ArtifactSetEntry>(list.Count);
        foreach (var file in list)
            entries.Add(await WriteFileAsync(store, $"{prefix}/{file.Name}", file, cancellationToken));
        var manifest = new ArtifactSetManifest(ArtifactSetManifest.CurrentFormat, entries);
        await store.WriteAsync(manifestName, manifest.ToUtf8(), cancellationToken);

        if (previous is not null)
        {
            var kept = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in previous.Files.Where(f => !kept.Contains(f.Name)))
                await store.DeleteAsync($"{prefix}/{stale.Name}", cancellationToken);
        }
        return new ArtifactSet(store, prefix, manifest);
    }

    /// <summary>Publishes every file under <paramref name="localDirectory"/> (a model folder, a checkpoint) as the set at <paramref name="prefix"/>.</summary>
    public static Task<ArtifactSet> PublishFolderAsync(
        this IArtifactStore store, string prefix, string localDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(localDirectory);
        var root = Path.GetFullPath(localDirectory);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(path => ArtifactSetFile.FromFile(Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), path));
        return store.PublishSetAsync(prefix, files, cancellationToken);
    }

    /// <summary>The set at <paramref name="prefix"/>, or null when it has no manifest or an invalid one (absent).</summary>
    public static async Task<ArtifactSet?> OpenSetAsync(
        this IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        prefix = CheckPrefix(prefix);
        var (manifest, _) = await ReadManifestAsync(store, ManifestOf(prefix), cancellationToken);
        return manifest is null ? null : new ArtifactSet(store, prefix, manifest);
    }

    /// <summary>
    /// The set at <paramref name="prefix"/>; throws <see cref="ArtifactNotFoundException"/> naming the manifest when
    /// there is none, and <see cref="CorruptArtifactException"/> saying what is wrong when it is not valid.
    /// </summary>
    public static async Task<ArtifactSet> GetSetAsync(
        this IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        prefix = CheckPrefix(prefix);
        var manifestName = ManifestOf(prefix);
        var (manifest, problem) = await ReadManifestAsync(store, manifestName, cancellationToken);
        if (manifest is not null)
            return new ArtifactSet(store, prefix, manifest);
        if (problem is null)
            throw new ArtifactNotFoundException(store.Description, manifestName);
        throw new CorruptArtifactException(manifestName, problem);
    }

    /// <summary>Removes the set: its manifest first (so it is absent at once), then the files it listed.</summary>
    public static async Task<bool> DeleteSetAsync(
        this IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        prefix = CheckPrefix(prefix);
        var manifestName = ManifestOf(prefix);
        var (manifest, _) = await ReadManifestAsync(store, manifestName, cancellationToken);
        var existed = await store.DeleteAsync(manifestName, cancellationToken);
        foreach (var file in manifest?.Files ?? [])
            await store.DeleteAsync($"{prefix}/{file.Name}", cancellationToken);
        return existed;
    }

    private static async Task<ArtifactSetEntry> WriteFileAsync(
        IArtifactStore store, string name, ArtifactSetFile file, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await store.WriteAsync(name, async (destination, ct) =>
        {
            var hashing = new HashingWriteStream(destination, hash);
            await file.Produce(hashing, ct);
            size = hashing.BytesWritten;
        }, cancellationToken);
        return new ArtifactSetEntry(file.Name, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>The manifest, or null with the reason it is invalid, or null and null when there is none.</summary>
    private static async Task<(ArtifactSetManifest? Manifest, string? Problem)> ReadManifestAsync(
        IArtifactStore store, string manifestName, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(manifestName, ArtifactSetManifest.MaxBytes, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return (null, null);
        }
        catch (InvalidOperationException)
        {
            return (null, $"it is larger than {ArtifactSetManifest.MaxBytes} bytes");
        }
        var manifest = ArtifactSetManifest.TryParse(bytes, out var problem);
        return (manifest, problem);
    }

    private static string CheckPrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        prefix = prefix.TrimEnd('/');
        ArtifactName.Validate(prefix);
        return prefix;
    }

    private static void CheckNames(string prefix, List<ArtifactSetFile> files)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            ArgumentNullException.ThrowIfNull(file);
            if (!ArtifactSetManifest.IsRelativeName(file.Name, out var rule))
                throw new InvalidArtifactNameException(file.Name, rule!);
            if (!seen.Add(file.Name))
                throw new ArgumentException($"The set at '{prefix}' lists '{file.Name}' twice.", nameof(files));
            ArtifactName.Validate($"{prefix}/{file.Name}");
        }
    }

    private static string ManifestOf(string prefix) => $"{prefix}/{ArtifactSetManifest.FileName}";
}
