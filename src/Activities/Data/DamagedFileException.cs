namespace RankDistill.Activities.Data;

/// <summary>
/// The bytes of a drop file cannot be decoded past this point (a cut or corrupt gzip member, a file past a size
/// limit). Thrown by the decoding streams and turned into a file-level rejection by the line reader, whose reason
/// is "<see cref="Kind"/>: after line N: <see cref="Detail"/>". Not an <see cref="IOException"/>: retrying cannot help.
/// </summary>
internal sealed class DamagedFileException : Exception
{
    public DamagedFileException(string kind, string detail)
        : base($"{kind}: {detail}")
    {
        Kind = kind;
        Detail = detail;
    }

    /// <summary>The reason's kind, the bucket it is counted in: "truncated or corrupt gzip".</summary>
    public string Kind { get; } = "";

    public string Detail { get; } = "";
}
