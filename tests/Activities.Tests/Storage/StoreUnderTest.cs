using Azure.Storage.Blobs;
using RankDistill.Activities.Storage;
using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>A fresh, empty store of one kind for one test, and its clean-up.</summary>
public abstract class StoreUnderTest : IAsyncDisposable
{
    public abstract IArtifactStore Store { get; }

    /// <summary>A local store in a new temporary folder.</summary>
    public static LocalStoreUnderTest Local() => new();

    /// <summary>A blob store on the shared Azurite, with its own container prefix.</summary>
    public static BlobStoreUnderTest Blob(AzuriteFixture azurite) => new(azurite.Server);

    public abstract ValueTask DisposeAsync();
}

public sealed class LocalStoreUnderTest : StoreUnderTest
{
    public LocalStoreUnderTest(LocalArtifactStoreOptions? options = null)
    {
        Folder = Directory.CreateTempSubdirectory("rankdistill-store-").FullName;
        Root = Path.Combine(Folder, "store");
        LocalStore = new LocalArtifactStore(Root, options);
    }

    /// <summary>The temporary folder; the store's root is a sub-folder, so a test can check nothing escaped it.</summary>
    public string Folder { get; }

    public string Root { get; }

    public LocalArtifactStore LocalStore { get; }

    public override IArtifactStore Store => LocalStore;

    public override ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}

public sealed class BlobStoreUnderTest : StoreUnderTest
{
    public BlobStoreUnderTest(AzuriteServer azurite)
    {
        Azurite = azurite;
        // Small blocks so that tests of a few MiB cross many block boundaries;
        // quick retries so that a failure shows in milliseconds.
        Options = new BlobArtifactStoreOptions
        {
            ContainerPrefix = AzuriteFixture.NewContainerPrefix(),
            BlockSize = 1 << 20,
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetryDelay = TimeSpan.FromMilliseconds(100),
        };
        Service = new BlobServiceClient(azurite.ConnectionString, BlobArtifactStore.CreateClientOptions(Options));
        BlobStore = new BlobArtifactStore(Service, Options);
    }

    public AzuriteServer Azurite { get; }

    public BlobArtifactStoreOptions Options { get; }

    public BlobServiceClient Service { get; }

    public BlobArtifactStore BlobStore { get; }

    public override IArtifactStore Store => BlobStore;

    public async Task<List<string>> ContainerNamesAsync()
    {
        var names = new List<string>();
        await foreach (var container in Service.GetBlobContainersAsync(prefix: Options.ContainerPrefix))
            names.Add(container.Name);
        return names;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var name in await ContainerNamesAsync())
            await Service.DeleteBlobContainerAsync(name);
        GC.SuppressFinalize(this);
    }
}
