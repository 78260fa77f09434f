using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
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
    [Description("an absolute URL like https://<account>.blob.core.windows.net")]
    public Uri? AccountUrl { get; set; }

    public string ContainerPrefix { get; set; } = _blobDefaults.ContainerPrefix;

    [Range(0, 20)]
    public int MaxRetries { get; set; } = _blobDefaults.MaxRetries;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = _blobDefaults.RetryDelay;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = _blobDefaults.MaxRetryDelay;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan NetworkTimeout { get; set; } = _blobDefaults.NetworkTimeout;

    [Range(1, 256)]
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

/// <summary>The rules of section <c>Storage</c> beyond the types and ranges its properties declare.</summary>
internal sealed class StorageOptionsValidator(SettingsSection<StorageOptions> section) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = section.Check();
        problems.Path("Storage:LocalRoot", options.LocalRoot);
        if (!BlobArtifactStoreOptions.IsValidContainerPrefix(options.ContainerPrefix))
        {
            problems.Invalid("Storage:ContainerPrefix", options.ContainerPrefix,
                $"at most {BlobArtifactStoreOptions.MaxContainerPrefixLength} lowercase letters, digits and single hyphens, not starting with a hyphen");
        }
        if (options.MaxRetryDelay < options.RetryDelay)
            problems.Fail($"Storage:MaxRetryDelay ({options.MaxRetryDelay:c}) is shorter than Storage:RetryDelay ({options.RetryDelay:c}); it must be at least as long");
        if (options.ConnectionString is not null && !IsStorageConnectionString(options.ConnectionString))
        {
            problems.Invalid("Storage:ConnectionString", options.ConnectionString,
                "a storage connection string: DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net "
                + "(or with SharedAccessSignature, or UseDevelopmentStorage=true)");
        }
        if (options.Kind == StorageKind.Blob && options.ConnectionString is null && options.AccountUrl is null)
            problems.Fail("Storage:Kind = 'Blob' needs Storage:ConnectionString or Storage:AccountUrl; neither is set");
        if (options.Kind == StorageKind.Blob && options.ConnectionString is not null && options.AccountUrl is not null)
            problems.Fail("Storage:ConnectionString and Storage:AccountUrl are both set; set only one (a connection string, or an account URL signed in with DefaultAzureCredential)");
        return problems.Result();
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
}
