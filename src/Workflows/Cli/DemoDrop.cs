using System.Security.Cryptography;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Demo;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>The demo's drop: its id from the flags, and writing it into whichever store the settings name.</summary>
internal static class DemoDrop
{
    public static string IdFor(bool quick, long seed) => quick ? $"demo-quick-{seed}" : $"demo-{seed}";

    /// <summary>
    /// Writes the drop unless it is already complete in <paramref name="store"/>; true when written. A complete drop must
    /// be byte for byte the one this build generates: one written by another version (another world) would otherwise
    /// have its old run resumed or reported as if it were this demo's.
    /// </summary>
    /// <exception cref="DemoDropMismatchException">The store holds another world's drop under this id.</exception>
    public static async Task<bool> EnsureAsync(IArtifactStore store, bool quick, long seed, CancellationToken cancellationToken)
    {
        var dropId = IdFor(quick, seed);
        var complete = await store.ExistsAsync($"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}", cancellationToken);
        var world = SyntheticWeb.Generate((quick ? SyntheticWebOptions.Quick : SyntheticWebOptions.Default) with { Seed = seed });
        await InScratchAsync(world, dropId, (scratch, files) => complete
            ? RequireStoredAsync(store, scratch, files, dropId, cancellationToken)
            : UploadAsync(store, scratch, files, cancellationToken), cancellationToken);
        return !complete;
    }

    /// <summary>
    /// Writes <paramref name="world"/> as drop <paramref name="dropId"/> into any store: generated into a scratch folder,
    /// then uploaded file by file in the generator's order, so <c>_SUCCESS</c> still arrives last.
    /// </summary>
    public static Task WriteAsync(IArtifactStore store, SyntheticWorld world, string dropId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return InScratchAsync(world, dropId, (scratch, files) => UploadAsync(store, scratch, files, cancellationToken), cancellationToken);
    }

    private static async Task InScratchAsync(
        SyntheticWorld world, string dropId, Func<string, IReadOnlyList<string>, Task> use, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("rankdistill-drop-").FullName;
        try
        {
            await use(scratch, await SyntheticWeb.WriteDropAsync(world, scratch, dropId, cancellationToken));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task UploadAsync(IArtifactStore store, string scratch, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        foreach (var file in files)
            await store.UploadFileAsync(file.Replace('\\', '/'), Path.Combine(scratch, file), cancellationToken);
    }

    private static async Task RequireStoredAsync(IArtifactStore store, string scratch, IReadOnlyList<string> files, string dropId, CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            var name = file.Replace('\\', '/');
            var local = Path.Combine(scratch, file);
            var stored = await store.GetInfoAsync(name, cancellationToken);
            // Sizes first: a different world almost always differs in size, and then nothing is read.
            var same = stored is not null && stored.Size == new FileInfo(local).Length;
            if (same)
            {
                await using var remote = await store.OpenReadAsync(name, cancellationToken);
                await using var generated = File.OpenRead(local);
                var storedHash = await SHA256.HashDataAsync(remote, cancellationToken);
                var generatedHash = await SHA256.HashDataAsync(generated, cancellationToken);
                same = storedHash.AsSpan().SequenceEqual(generatedHash);
            }
            if (!same)
                throw new DemoDropMismatchException(dropId, name, store.Description);
        }
    }
}
