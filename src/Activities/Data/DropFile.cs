namespace RankDistill.Activities.Data;

/// <summary>A file of a drop (or of its labels) by name, opened on demand so that files stream one at a time.</summary>
/// <param name="Name">The file's name within the drop; its extension tells the format.</param>
/// <param name="OpenAsync">Opens the file for reading; the caller disposes the stream.</param>
public sealed record DropFile(string Name, Func<CancellationToken, Task<Stream>> OpenAsync)
{
    /// <summary>
    /// Names starting with "_" or "." are markers and checksums (_SUCCESS, .part-0.crc) by
    /// Hadoop convention, not data: they are skipped, not rejected.
    /// </summary>
    public bool IsMarker => Path.GetFileName(Name) is var name && (name.StartsWith('_') || name.StartsWith('.'));

    /// <summary>
    /// Why the store will not open this file (a name that breaks its rules, a symbolic link); null when it can be
    /// read. A refused file is rejected by name with this reason, never skipped.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>A file the store lists but will not open (<see cref="Storage.IArtifactStore.ListRefusedAsync"/>).</summary>
    public static DropFile Refused(string name, string reason) =>
        new(name, _ => throw new InvalidOperationException($"'{name}' is refused by the store: {reason}")) { Refusal = reason };
}
