using Azure.Storage.Blobs;
using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>Storage</c>: the artifact store. Defaults: a local folder under <c>Data:Root</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    private static readonly BlobArtifactStoreOptions _blobDefaults = new();

    public StorageKind Kind { get; set; } = StorageKind.Local;

    /// <summary>Folder of the local store; default <c>&lt;Data:Root&gt;/store</c>.</summary>
    public string LocalRoot { get; set; } = "";

    /// <summary>A storage account connection string (key, SAS or Azurite). Secret: never printed.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>https://&lt;account&gt;.blob.core.windows.net, signed in with DefaultAzureCredential.</summary>
    public Uri? AccountUrl { get; set; }

    public string ContainerPrefix { get; set; } = _blobDefaults.ContainerPrefix;

    public int MaxRetries { get; set; } = _blobDefaults.MaxRetries;

    public TimeSpan RetryDelay { get; set; } = _blobDefaults.RetryDelay;

    public TimeSpan MaxRetryDelay { get; set; } = _blobDefaults.MaxRetryDelay;

    public TimeSpan NetworkTimeout { get; set; } = _blobDefaults.NetworkTimeout;

    public int BlockSizeMiB { get; set; } = _blobDefaults.BlockSize >> 20;

    public BlobArtifactStoreOptions ToBlobOptions() => new()
    {
        ContainerPrefix = ContainerPrefix,
        BlockSize = BlockSizeMiB << 20,
        MaxRetries = MaxRetries,
        RetryDelay = RetryDelay,
        MaxRetryDelay = MaxRetryDelay,
        NetworkTimeout = NetworkTimeout,
    };

    internal static StorageOptions Read(SettingReader reader, DataOptions data)
    {
        var options = new StorageOptions
        {
            Kind = reader.Choice("Storage:Kind", StorageKind.Local),
            LocalRoot = reader.FullPath("Storage:LocalRoot", Path.Combine(data.Root, "store")),
            ConnectionString = reader.Text("Storage:ConnectionString"),
            AccountUrl = reader.Url("Storage:AccountUrl", "https://<account>.blob.core.windows.net"),
            ContainerPrefix = reader.Text("Storage:ContainerPrefix") ?? "",
            MaxRetries = reader.Integer("Storage:MaxRetries", _blobDefaults.MaxRetries, 0, 20),
            RetryDelay = reader.Duration("Storage:RetryDelay", _blobDefaults.RetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)),
            MaxRetryDelay = reader.Duration("Storage:MaxRetryDelay", _blobDefaults.MaxRetryDelay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10)),
            NetworkTimeout = reader.Duration("Storage:NetworkTimeout", _blobDefaults.NetworkTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            BlockSizeMiB = reader.Integer("Storage:BlockSizeMiB", _blobDefaults.BlockSize >> 20, 1, 256),
        };
        options.Check(reader);
        return options;
    }

    private void Check(SettingReader reader)
    {
        if (!BlobArtifactStoreOptions.IsValidContainerPrefix(ContainerPrefix))
        {
            reader.Invalid("Storage:ContainerPrefix", ContainerPrefix,
                $"at most {BlobArtifactStoreOptions.MaxContainerPrefixLength} lowercase letters, digits and single hyphens, not starting with a hyphen");
        }
        if (MaxRetryDelay < RetryDelay)
            reader.Fail($"Storage:MaxRetryDelay ({MaxRetryDelay:c}) is shorter than Storage:RetryDelay ({RetryDelay:c}); it must be at least as long");
        if (ConnectionString is not null && !IsStorageConnectionString(ConnectionString))
        {
            reader.Invalid("Storage:ConnectionString", ConnectionString,
                "a storage connection string: DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net "
                + "(or with SharedAccessSignature, or UseDevelopmentStorage=true)");
        }
        if (Kind != StorageKind.Blob)
            return;
        if (ConnectionString is null && AccountUrl is null)
            reader.Fail("Storage:Kind = 'Blob' needs Storage:ConnectionString or Storage:AccountUrl; neither is set");
        if (ConnectionString is not null && AccountUrl is not null)
            reader.Fail("Storage:ConnectionString and Storage:AccountUrl are both set; set only one (a connection string, or an account URL signed in with DefaultAzureCredential)");
    }

    private static bool IsStorageConnectionString(string value)
    {
        try
        {
            // Parses the string and nothing more: no request is sent.
            _ = new BlobServiceClient(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    internal IEnumerable<(string Key, string? Value)> Describe() =>
    [
        ("Storage:Kind", Kind.ToString()),
        ("Storage:LocalRoot", LocalRoot),
        ("Storage:ConnectionString", ConnectionString),
        ("Storage:AccountUrl", AccountUrl?.ToString()),
        ("Storage:ContainerPrefix", ContainerPrefix),
        ("Storage:MaxRetries", MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("Storage:RetryDelay", RetryDelay.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        ("Storage:MaxRetryDelay", MaxRetryDelay.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        ("Storage:NetworkTimeout", NetworkTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        ("Storage:BlockSizeMiB", BlockSizeMiB.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
