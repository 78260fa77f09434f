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
/// <para>
/// Symbolic links are never followed: a link can lead out of the root, or round in a loop. Listing reports them
/// (<see cref="ListRefusedAsync"/>) without entering them, and any operation on a name whose path passes through one
/// fails with <see cref="ArtifactStoreException"/> naming the link. The check runs before each operation, so a link
/// made in between is not caught: it guards against mistakes and careless tools; the folder's permissions guard the rest.
/// </para>
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    /// <summary>Why a symbolic link is refused, in listings and errors.</summary>
    public const string LinkRefusal = "it is a symbolic link, which the store does not follow: a link can lead out of its folder";

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
        var target = PathOf("write", name);
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
        var path = PathOf("read", name);
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
        var file = new FileInfo(PathOf("get info", name));
        return Task.FromResult(file.Exists ? Info(name, file) : null);
    }

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in Entries(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!entry.IsLink && ArtifactName.IsValid(entry.Name))
                yield return new ArtifactInfo(entry.Name, entry.Length, ETagOf(entry.LastWrite, entry.Length), entry.LastWrite);
        }
        await Task.CompletedTask;
    }

    public async IAsyncEnumerable<RefusedArtifact> ListRefusedAsync(
        string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in Entries(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if ((entry.IsLink ? LinkRefusal : ArtifactName.RuleBrokenBy(entry.Name)) is { } reason)
                yield return new RefusedArtifact(entry.Name, reason);
        }
        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf("delete", name);
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

    private string PathOf(string operation, string name)
    {
        ArtifactName.Validate(name);
        var path = Path.GetFullPath(Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar)));
        // The name rules already forbid escaping; this guards the rules.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidArtifactNameException(name, "it resolves outside the store's folder");
        RefuseLinks(operation, name, path);
        return path;
    }

    /// <summary>Throws when a folder or file on the way from the root to <paramref name="path"/> is a symbolic link.</summary>
    private void RefuseLinks(string operation, string name, string path)
    {
        for (var end = path.IndexOf(Path.DirectorySeparatorChar, _root.Length + 1); ; end = path.IndexOf(Path.DirectorySeparatorChar, end + 1))
        {
            var step = end < 0 ? path : path[..end];
            if (new FileInfo(step).LinkTarget is not null)
                throw Failure(operation, name, new IOException($"'{NameOf(step)}': {LinkRefusal}"));
            if (end < 0)
                return;
        }
    }

    private string NameOf(string path) => path[(_root.Length + 1)..].Replace(Path.DirectorySeparatorChar, '/');

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

    /// <summary>A file or a link under the root, as listed.</summary>
    private readonly record struct Entry(string Name, bool IsLink, long Length, DateTimeOffset LastWrite);

    /// <summary>Files and links whose names start with <paramref name="prefix"/>, in ordinal name order.</summary>
    private List<Entry> Entries(string prefix)
    {
        ArtifactName.ValidatePrefix(prefix);
        var folder = Path.Combine(_root, prefix[..(prefix.LastIndexOf('/') + 1)]);
        RefuseLinks("list", prefix, folder.TrimEnd(Path.DirectorySeparatorChar));
        if (!Directory.Exists(folder))
            return [];
        List<Entry> found;
        try
        {
            found = [.. Enumerate(folder).Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure("list", prefix, e);
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    private IEnumerable<Entry> Enumerate(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false };
        return new FileSystemEnumerable<Entry>(folder, (ref FileSystemEntry e) =>
            {
                var isLink = IsLink(ref e);
                return new Entry(NameOf(e.ToFullPath()), isLink, isLink ? 0 : e.Length, e.LastWriteTimeUtc);
            }, options)
        {
            // A link is listed (and refused), never entered: it could lead out of the root, or round in a loop.
            ShouldIncludePredicate = (ref FileSystemEntry e) => IsLink(ref e) || !e.IsDirectory,
            ShouldRecursePredicate = (ref FileSystemEntry e) => !IsLink(ref e),
        };
    }

    private static bool IsLink(ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) != 0;

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
