using Azure.Identity;
using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Hosting;

/// <summary>The artifact store that <see cref="StorageOptions"/> describe.</summary>
public static class ArtifactStoreFactory
{
    public static IArtifactStore Create(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            StorageKind.Local => new LocalArtifactStore(options.LocalRoot),
            StorageKind.Blob when options.ConnectionString is { } connection =>
                BlobArtifactStore.FromConnectionString(connection, options.ToBlobOptions()),
            StorageKind.Blob when options.AccountUrl is { } url =>
                BlobArtifactStore.FromAccountUrl(url, new DefaultAzureCredential(), options.ToBlobOptions()),
            _ => throw new InvalidOperationException($"Storage:Kind = '{options.Kind}' has no store; validate the settings first."),
        };
    }
}
