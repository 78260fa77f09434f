namespace RankDistill.Activities.Data;

/// <summary>
/// Which files of a drop PrepareData reads as data, told by name as it tells them: for tools that check a drop before
/// writing it into the store (<c>submit --from</c>), so a file it would reject is refused before anything is copied.
/// </summary>
public static class DropFileTypes
{
    /// <summary>The extensions, in words for messages.</summary>
    public const string Supported = FileFormat.Supported;

    public static bool IsDataFile(string fileName) => FileFormat.FromFileName(fileName) is not null;
}
