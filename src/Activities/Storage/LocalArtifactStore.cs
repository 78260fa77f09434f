using System.IO.Enumeration;
using System.Runtime.CompilerServices;

namespace RankDistill.Activities.Storage;

/// <summary>
/// Artifacts as files under a root folder: <c>runs/r1/a.bin</c> is <c>&lt;root&gt;/runs/r1/a.bin</c>, so a person can
/// look at what a run made. A write goes to a staging file in <c>&lt;root&gt;/.staging</c> (same file system, never
/// listed: no area starts with a dot), is flushed to disk, then renamed over the target, which is atomic.
/// <para>
/// No retries: on a local disk the errors that reach us (disk full, access denied, I/O error) do not heal by waiting,
/// and the sharing violations Windows raises are avoided by unique staging names and readers that allow deletion.
/// A name cannot be both a file and a folder of other artifacts here (Blob Storage allows it); such a write is refused.
/// </para>
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    private const string StagingFolder = ".staging";
    private readonly string _root;
    private readonly string _staging;
    private readonly LocalArtifactStoreOptions _options;

    public LocalArtifactStore(string root, LocalArtifactStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        _root = Path.GetFullPath(root);
        _staging = Path.Combine(_root, StagingFolder);
        _options = options ?? new LocalArtifactStoreOptions();
        Description = $"local store '{_root}'";
        try
        {
            Directory.CreateDirectory(_staging);
            DeleteStaleStagingFiles();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("open", null, e);
        }
    }

    public string Description { get; }

    /// <summary>The folder the artifacts live in.</summary>
    public string Root => _root;

    public async Task<ArtifactInfo> WriteAsync(
        string name, Func<Stream, CancellationToken, Task> produce, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(produce);
        var target = PathOf(name);
        var staging = Path.Combine(_staging, $"{Guid.NewGuid():N}.tmp");
        var committed = false;
        try
        {
            await using (var file = OpenStaging(name, staging))
            {
                await produce(new LocalWriteStream(file, e => Failure("write", name, e)), cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await file.FlushAsync(cancellationToken);
                    if (_options.FlushToDisk)
                        file.Flush(flushToDisk: true);
                }
                catch (IOException e)
                {
                    throw Failure("write", name, e);
                }
            }
            Commit(name, staging, target);
            committed = true;
        }
        finally
        {
            if (!committed)
                File.Delete(staging);
        }
        return Info(name, new FileInfo(target));
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        try
        {
            // FileShare.Delete: a writer may rename a new version over this one while we read the old one.
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 0, FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
            || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new ArtifactNotFoundException(Description, name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", name, e);
        }
    }

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(name));
        return Task.FromResult(file.Exists ? Info(name, file) : null);
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArtifactName.ValidatePrefix(prefix);
        var folder = Path.Combine(_root, prefix[..(prefix.LastIndexOf('/') + 1)]);
        if (!Directory.Exists(folder))
            yield break;
        List<ArtifactInfo> found;
        try
        {
            found = [.. Enumerate(folder).Where(a => a.Name.StartsWith(prefix, StringComparison.Ordinal) && ArtifactName.IsValid(a.Name))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("list", prefix, e);
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var info in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return info;
        }
        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
            return Task.FromResult(false);
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("delete", name, e);
        }
        RemoveEmptyFolders(Path.GetDirectoryName(path)!, Path.Combine(_root, ArtifactName.Split(name).Area));
        return Task.FromResult(true);
    }

    private string PathOf(string name)
    {
        ArtifactName.Validate(name);
        var path = Path.GetFullPath(Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar)));
        // The name rules already forbid escaping; this guards the rules.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidArtifactNameException(name, "it resolves outside the store's folder");
        return path;
    }

    private FileStream OpenStaging(string name, string staging)
    {
        try
        {
            return new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("write", name, e);
        }
    }

    private void Commit(string name, string staging, string target)
    {
        if (Directory.Exists(target))
            throw Failure("write", name, new IOException("a folder of other artifacts has that name"));
        // A concurrent delete may remove the (then empty) parent folder between creating it and the rename; try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(staging, target, overwrite: true);
                return;
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Failure("write", name, e);
            }
        }
    }

    private static void RemoveEmptyFolders(string folder, string stopAt)
    {
        // Best effort: a writer may be creating a file in one of them right now, and then the folder stays.
        while (folder.Length > stopAt.Length && folder.StartsWith(stopAt, StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(folder, recursive: false);
            }
            catch (IOException)
            {
                return;
            }
            folder = Path.GetDirectoryName(folder)!;
        }
    }

    private IEnumerable<ArtifactInfo> Enumerate(string folder)
    {
        var rootLength = _root.Length + 1;
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return new FileSystemEnumerable<ArtifactInfo>(folder, (ref FileSystemEntry e) =>
            {
                var name = e.ToFullPath()[rootLength..].Replace(Path.DirectorySeparatorChar, '/');
                return new ArtifactInfo(name, e.Length, ETagOf(e.LastWriteTimeUtc, e.Length), e.LastWriteTimeUtc);
            }, options)
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => !e.IsDirectory,
        };
    }

    private void DeleteStaleStagingFiles()
    {
        var cutoff = _options.TimeProvider.GetUtcNow() - _options.StaleStagingAge;
        foreach (var file in new DirectoryInfo(_staging).EnumerateFiles("*.tmp"))
        {
            if (file.LastWriteTimeUtc < cutoff)
                file.Delete();
        }
    }

    private static ArtifactInfo Info(string name, FileInfo file) =>
        new(name, file.Length, ETagOf(file.LastWriteTimeUtc, file.Length), file.LastWriteTimeUtc);

    // A rename installs a new file, so the modification time (nanoseconds on Linux) and size identify a version.
    private static string ETagOf(DateTimeOffset lastWrite, long length) => $"\"{lastWrite.UtcTicks:x}-{length:x}\"";

    private ArtifactStoreException Failure(string operation, string? name, Exception e) =>
        new(Description, operation, name, e.Message, e);
}
