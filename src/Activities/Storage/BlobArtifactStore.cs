using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace RankDistill.Activities.Storage;

/// <summary>
/// Artifacts as block blobs: the area (first segment) picks the container, <c>&lt;prefix&gt;&lt;area&gt;</c>, created on
/// first write; the rest is the blob name. Writes stage blocks and commit the block list at the end (atomic, bounded
/// memory); reads stream one GET, resumed after a broken connection only if the blob is unchanged. Transient failures are retried by the SDK's exponential retry policy
/// built from the options; what is left is reported as <see cref="ArtifactStoreException"/>.
/// </summary>
public sealed class BlobArtifactStore : IArtifactStore
{
    private readonly BlobServiceClient _service;
    private readonly BlobArtifactStoreOptions _options;

    /// <summary>Uses <paramref name="service"/> as configured; build it with <see cref="CreateClientOptions"/> for our retries.</summary>
    public BlobArtifactStore(BlobServiceClient service, BlobArtifactStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _options = options ?? new BlobArtifactStoreOptions();
        _options.Validate();
        var account = new UriBuilder(service.Uri) { Query = "" }.Uri.ToString().TrimEnd('/');
        Description = _options.ContainerPrefix.Length == 0
            ? $"blob store '{account}'"
            : $"blob store '{account}' (container prefix '{_options.ContainerPrefix}')";
    }

    public string Description { get; }

    /// <summary>A store on the account of a connection string (account key, SAS, or Azurite's).</summary>
    public static BlobArtifactStore FromConnectionString(string connectionString, BlobArtifactStoreOptions? options = null) =>
        new(new BlobServiceClient(connectionString, CreateClientOptions(options)), options);

    /// <summary>A store on <paramref name="accountUrl"/> (https://&lt;account&gt;.blob.core.windows.net) signed in with a credential.</summary>
    public static BlobArtifactStore FromAccountUrl(Uri accountUrl, TokenCredential credential, BlobArtifactStoreOptions? options = null) =>
        new(new BlobServiceClient(accountUrl, credential, CreateClientOptions(options)), options);

    /// <summary>The SDK options the store relies on: exponential retries with the delays and counts of <paramref name="options"/>.</summary>
    public static BlobClientOptions CreateClientOptions(BlobArtifactStoreOptions? options)
    {
        options ??= new BlobArtifactStoreOptions();
        var client = new BlobClientOptions();
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = options.RetryDelay;
        client.Retry.MaxDelay = options.MaxRetryDelay;
        client.Retry.NetworkTimeout = options.NetworkTimeout;
        return client;
    }

    public async Task<ArtifactInfo> WriteAsync(
        string name, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(produce);
        var blob = Locate(name).GetBlockBlobClient(ArtifactName.Split(name).Path);
        var upload = new BlockUploadStream(blob, _options, e => Failure("write", name, e));
        try
        {
            await produce(upload, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            return await upload.CommitAsync(name, cancellationToken);
        }
        finally
        {
            await upload.ReleaseAsync();
        }
    }

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Locate(name).GetBlobClient(ArtifactName.Split(name).Path);
        try
        {
            // One streamed GET, read as the caller reads. If the connection breaks, the SDK resumes from the last byte
            // with If-Match on the first response's ETag, so a blob replaced meanwhile fails (412) instead of mixing versions.
            BlobDownloadStreamingResult download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            return new TranslatingReadStream(download.Content, BlobFailures.IsStorageFailure, e => Failure("read", name, e));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(Description, name);
        }
        catch (Exception e) when (BlobFailures.IsStorageFailure(e))
        {
            throw Failure("read", name, e);
        }
    }

    public async Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Locate(name).GetBlobClient(ArtifactName.Split(name).Path);
        try
        {
            BlobProperties properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            return new ArtifactInfo(name, properties.ContentLength, ETagOf(properties.ETag), properties.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (BlobFailures.IsStorageFailure(e))
        {
            throw Failure("get info of", name, e);
        }
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (name, item) in ListBlobsAsync(prefix, cancellationToken))
        {
            // Blobs written by other tools may break our name rules; a caller could not use such a name (ListRefusedAsync has them).
            if (ArtifactName.IsValid(name))
            {
                yield return new ArtifactInfo(
                    name, item.Properties.ContentLength ?? 0, ETagOf(item.Properties.ETag), item.Properties.LastModified ?? default);
            }
        }
    }

    public async IAsyncEnumerable<RefusedArtifact> ListRefusedAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (name, _) in ListBlobsAsync(prefix, cancellationToken))
        {
            if (ArtifactName.RuleBrokenBy(name) is { } rule)
                yield return new RefusedArtifact(name, rule);
        }
    }

    /// <summary>Every blob under <paramref name="prefix"/>, with its artifact name (area and blob name), whatever rules the name breaks.</summary>
    private async IAsyncEnumerable<(string Name, BlobItem Item)> ListBlobsAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArtifactName.ValidatePrefix(prefix);
        var (area, path) = ArtifactName.Split(prefix);
        var container = _service.GetBlobContainerClient(_options.ContainerPrefix + area);
        var query = new GetBlobsOptions { Prefix = path.Length == 0 ? null : path };
        await using var items = container.GetBlobsAsync(query, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync())
                    break;
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                break;
            }
            catch (Exception e) when (BlobFailures.IsStorageFailure(e))
            {
                throw Failure("list", prefix, e);
            }
            yield return ($"{area}/{items.Current.Name}", items.Current);
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var blob = Locate(name).GetBlobClient(ArtifactName.Split(name).Path);
        try
        {
            return await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return false;
        }
        catch (Exception e) when (BlobFailures.IsStorageFailure(e))
        {
            throw Failure("delete", name, e);
        }
    }

    /// <summary>Runs <paramref name="operation"/>; if the container does not exist yet, creates it and runs it again.</summary>
    internal static async Task<T> WithContainerAsync<T>(
        BlobBaseClient blob, Func<Task<Response<T>>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return (await operation()).Value;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await blob.GetParentBlobContainerClient().CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return (await operation()).Value;
        }
    }

    /// <summary>ETags in their quoted HTTP form, whether the service sent them in a header or in a listing.</summary>
    internal static string ETagOf(ETag? etag)
    {
        var text = etag?.ToString() ?? "";
        return text.StartsWith('"') ? text : $"\"{text}\"";
    }

    private BlobContainerClient Locate(string name)
    {
        ArtifactName.Validate(name);
        return _service.GetBlobContainerClient(_options.ContainerPrefix + ArtifactName.Split(name).Area);
    }

    private ArtifactStoreException Failure(string operation, string? name, Exception e) =>
        BlobFailures.ToException(Description, operation, name, e);
}
