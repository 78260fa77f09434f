using System.Globalization;

namespace RankDistill.Models.Training;

/// <summary>
/// Checkpoints in a folder on disk, one sub-folder `step-000000123/` each. A checkpoint is copied
/// into a temporary sibling folder, its manifest written last, and the folder renamed into place,
/// so a crash leaves either the old state or the whole new checkpoint, never half of one.
/// </summary>
public sealed class FolderCheckpointStore : ICheckpointStore
{
    private const string Prefix = "step-";

    public FolderCheckpointStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>The folder of one step's checkpoint.</summary>
    public string PathOf(long step) => Path.Combine(Root, Prefix + step.ToString("D9", CultureInfo.InvariantCulture));

    public Task<IReadOnlyList<long>> ListStepsAsync(CancellationToken cancellationToken)
    {
        var steps = new List<long>();
        foreach (var dir in Directory.EnumerateDirectories(Root, Prefix + "*"))
        {
            var name = Path.GetFileName(dir);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long step)
                && File.Exists(Path.Combine(dir, CheckpointManifest.FileName)))
                steps.Add(step);
        }
        steps.Sort();
        return Task.FromResult<IReadOnlyList<long>>(steps);
    }

    public async Task SaveAsync(long step, string localDirectory, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (Directory.EnumerateDirectories(localDirectory).Any())
            throw new ArgumentException($"Checkpoint folder {localDirectory} has sub-folders; a checkpoint is a flat set of files.", nameof(localDirectory));
        var staging = Path.Combine(Root, $".tmp-{Prefix}{step:D9}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in Directory.EnumerateFiles(localDirectory))
            {
                await using var source = File.OpenRead(file);
                await using var target = new FileStream(Path.Combine(staging, Path.GetFileName(file)), FileMode.CreateNew, FileAccess.Write);
                await source.CopyToAsync(target, cancellationToken);
                target.Flush(flushToDisk: true);
            }

            var manifest = await CheckpointManifest.CreateAsync(step, staging, cancellationToken);
            var manifestPath = Path.Combine(staging, CheckpointManifest.FileName);
            await File.WriteAllTextAsync(manifestPath, manifest.ToJson(), cancellationToken);

            // A checkpoint saved again for the same step replaces the old one.
            var final = PathOf(step);
            if (Directory.Exists(final))
                Directory.Delete(final, recursive: true);
            Directory.Move(staging, final);
        }
        catch
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    public async Task LoadAsync(long step, string localDirectory, CancellationToken cancellationToken)
    {
        var folder = PathOf(step);
        var name = Path.GetFileName(folder);
        var manifestPath = Path.Combine(folder, CheckpointManifest.FileName);
        if (!File.Exists(manifestPath))
            throw new CorruptCheckpointException($"{name}/{CheckpointManifest.FileName}: missing.");
        var manifest = CheckpointManifest.Parse(await File.ReadAllTextAsync(manifestPath, cancellationToken), $"{name}/{CheckpointManifest.FileName}");

        Directory.CreateDirectory(localDirectory);
        foreach (var entry in manifest.Files)
        {
            var where = $"{name}/{entry.Name}";
            var source = Path.Combine(folder, entry.Name);
            if (Path.GetFileName(entry.Name) != entry.Name)
                throw new CorruptCheckpointException($"{where}: not a plain file name.");
            if (!File.Exists(source))
                throw new CorruptCheckpointException($"{where}: listed in the manifest but missing.");
            await using var stream = File.OpenRead(source);
            await CheckpointManifest.CopyVerifiedAsync(stream, Path.Combine(localDirectory, entry.Name), entry, where, cancellationToken);
        }
    }

    public Task DeleteAsync(long step, CancellationToken cancellationToken)
    {
        var folder = PathOf(step);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }
}
