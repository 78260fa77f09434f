using RankDistill.Activities.Storage;
using RankDistill.Workflows.Demo;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>The demo's drop: its id from the flags, and writing it into whichever store the settings name.</summary>
internal static class DemoDrop
{
    public static string IdFor(bool quick, long seed) => quick ? $"demo-quick-{seed}" : $"demo-{seed}";

    /// <summary>Writes the drop unless it is already complete in <paramref name="store"/>; true when written.</summary>
    public static async Task<bool> EnsureAsync(IArtifactStore store, bool quick, long seed, CancellationToken cancellationToken)
    {
        var dropId = IdFor(quick, seed);
        if (await store.ExistsAsync($"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}", cancellationToken))
            return false;
        var world = SyntheticWeb.Generate((quick ? SyntheticWebOptions.Quick : SyntheticWebOptions.Default) with { Seed = seed });
        await WriteAsync(store, world, dropId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="world"/> as drop <paramref name="dropId"/> into any store: generated into a scratch folder,
    /// then uploaded file by file in the generator's order, so <c>_SUCCESS</c> still arrives last.
    /// </summary>
    public static async Task WriteAsync(IArtifactStore store, SyntheticWorld world, string dropId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var scratch = Directory.CreateTempSubdirectory("rankdistill-drop-").FullName;
        try
        {
            foreach (var file in await SyntheticWeb.WriteDropAsync(world, scratch, dropId, cancellationToken))
                await store.UploadFileAsync(file.Replace('\\', '/'), Path.Combine(scratch, file), cancellationToken);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
