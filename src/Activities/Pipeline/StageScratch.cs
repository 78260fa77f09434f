using Microsoft.Extensions.Logging;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// A local folder for one execution of a step (downloads, staging, the trainer's log), removed when it ends.
/// Each execution gets its own folder, so two attempts of one step on a machine (after a lost lease) never share files;
/// nothing in it is needed after a crash: everything that matters is in the store.
/// </summary>
internal sealed class StageScratch : IDisposable
{
    private readonly ILogger _logger;

    private StageScratch(string path, ILogger logger)
    {
        Path = path;
        _logger = logger;
        Directory.CreateDirectory(path);
    }

    public string Path { get; }

    /// <summary>A new folder <c>rankdistill/&lt;run-id&gt;/&lt;step&gt;-&lt;random&gt;</c> under <paramref name="root"/>, by default the system temp folder.</summary>
    public static StageScratch Create(string runId, string step, ILogger logger, string? root = null) =>
        new(System.IO.Path.Combine(root ?? System.IO.Path.GetTempPath(), "rankdistill", runId, $"{step}-{Guid.NewGuid():N}"), logger);

    /// <summary>A sub-folder, created empty.</summary>
    public string Folder(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Logs.ScratchNotRemoved(_logger, Path, e.Message);
        }
    }
}
