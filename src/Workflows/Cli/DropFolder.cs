using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// A click-log drop in a local folder, as <c>submit --from DIR</c> takes it: click-log files at the top of the folder,
/// human labels (optional) in its <c>labels/</c> subfolder, each a data file PrepareData reads (<see cref="DropFileTypes"/>).
/// <see cref="Read"/> checks the whole folder first and names every problem, so nothing is copied from a folder that
/// would be refused; <see cref="CopyAsync"/> then writes it into the store's drop layout with <c>_SUCCESS</c> last.
/// </summary>
internal sealed class DropFolder
{
    /// <summary>The subfolder of the local folder that holds the labels.</summary>
    public const string LabelsFolder = "labels";

    /// <summary>The store's area of human labels, as PrepareData reads them: <c>labels/&lt;drop&gt;/</c>.</summary>
    public const string LabelArea = "labels";

    private DropFolder(string dropId, IReadOnlyList<(string Path, string Name)> clickFiles, IReadOnlyList<(string Path, string Name)> labelFiles)
    {
        DropId = dropId;
        ClickFiles = clickFiles;
        LabelFiles = labelFiles;
    }

    public string DropId { get; }

    /// <summary>Local path and artifact name (<c>clicklogs/&lt;drop&gt;/&lt;file&gt;</c>) of each click-log file, in name order.</summary>
    public IReadOnlyList<(string Path, string Name)> ClickFiles { get; }

    /// <summary>Local path and artifact name (<c>labels/&lt;drop&gt;/&lt;file&gt;</c>) of each label file, in name order.</summary>
    public IReadOnlyList<(string Path, string Name)> LabelFiles { get; }

    /// <summary>The drop's marker, written once every file is in place.</summary>
    public string Marker => $"{ClickLogWatcher.DropArea}/{DropId}/{ClickLogWatcher.SuccessMarker}";

    /// <summary>The folder as a drop, or the problems that stop it from being one (every one found, each naming its file).</summary>
    public static DropFolder? Read(string folder, string dropId, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        problems = found;
        if (!Directory.Exists(folder))
        {
            found.Add($"'{folder}' is not a folder.");
            return null;
        }
        var badId = dropId.Contains('/', StringComparison.Ordinal) ? "it holds a '/'" : Check($"{ClickLogWatcher.DropArea}/{dropId}/{ClickLogWatcher.SuccessMarker}");
        if (badId is not null)
        {
            found.Add($"'{dropId}' cannot be a drop id: {badId}.");
            return null;
        }
        var clicks = DataFiles(folder, $"{ClickLogWatcher.DropArea}/{dropId}", found, allowLabelsFolder: true);
        if (clicks.Count == 0)
            found.Add($"'{folder}' holds no click-log data file ({DropFileTypes.Supported}) at its top.");
        var labelsFolder = Path.Combine(folder, LabelsFolder);
        IReadOnlyList<(string, string)> labels = [];
        if (Directory.Exists(labelsFolder))
        {
            labels = DataFiles(labelsFolder, $"{LabelArea}/{dropId}", found, allowLabelsFolder: false);
            if (labels.Count == 0)
                found.Add($"'{labelsFolder}' holds no label data file ({DropFileTypes.Supported}); leave the folder out for a drop without labels.");
        }
        return found.Count == 0 ? new DropFolder(dropId, clicks, labels) : null;
    }

    /// <summary>
    /// Copies the labels, then the click logs, then writes <c>_SUCCESS</c>: a watcher or <c>submit</c> sees the drop only
    /// once all of it is there, and a copy that fails midway leaves a drop without its marker, which nothing starts.
    /// </summary>
    public async Task CopyAsync(IArtifactStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        foreach (var (path, name) in LabelFiles.Concat(ClickFiles))
            await store.UploadFileAsync(name, path, cancellationToken);
        await store.WriteAsync(Marker, ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    private static List<(string Path, string Name)> DataFiles(string folder, string prefix, List<string> problems, bool allowLabelsFolder)
    {
        var files = new List<(string, string)>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            // A link could point anywhere on this machine; the local store never follows one either.
            if (entry.LinkTarget is not null)
                problems.Add($"'{entry.FullName}' is a symbolic link; copy the file itself into the folder.");
            else if (entry is DirectoryInfo)
            {
                if (!(allowLabelsFolder && entry.Name == LabelsFolder))
                    problems.Add($"'{entry.FullName}' is a folder; a drop folder holds click-log files at its top and labels in {LabelsFolder}/, nothing else.");
            }
            else if (entry.Name == ClickLogWatcher.SuccessMarker)
            {
                // The folder's own marker, if it has one: ours is written after the copy.
            }
            else if (!DropFileTypes.IsDataFile(entry.Name))
                problems.Add($"'{entry.FullName}' is not a data file PrepareData reads ({DropFileTypes.Supported}).");
            else if (Check($"{prefix}/{entry.Name}") is { } rule)
                problems.Add($"'{entry.FullName}' cannot be stored under that name: {rule}.");
            else
                files.Add((entry.FullName, $"{prefix}/{entry.Name}"));
        }
        return files;
    }

    private static string? Check(string name)
    {
        try
        {
            ArtifactName.Validate(name);
            return null;
        }
        catch (InvalidArtifactNameException e)
        {
            return e.Rule ?? e.Message;
        }
    }
}
