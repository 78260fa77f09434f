namespace RankDistill.Activities.Storage;

/// <summary>
/// A storage failure that retrying did not cure (or that no retry can cure: access denied, disk full, a bad key).
/// The message names the store, the operation, the artifact and the underlying status or error code.
/// </summary>
public sealed class ArtifactStoreException : Exception
{
    public ArtifactStoreException(string store, string operation, string? name, string detail, Exception? inner = null)
        : base(Describe(store, operation, name, detail), inner)
    {
        Store = store;
        Operation = operation;
        ArtifactName = name;
    }

    public ArtifactStoreException() { }

    public ArtifactStoreException(string message) : base(message) { }

    public ArtifactStoreException(string message, Exception inner) : base(message, inner) { }

    public string? Store { get; }

    /// <summary>What the store was doing: read, write, list, delete, get info.</summary>
    public string? Operation { get; }

    public string? ArtifactName { get; }

    /// <summary>The HTTP status of a blob request, when there was one (0 for network failures).</summary>
    public int? Status { get; init; }

    /// <summary>The service's error code (e.g. <c>AuthorizationFailure</c>), or the OS error, when known.</summary>
    public string? ErrorCode { get; init; }

    private static string Describe(string store, string operation, string? name, string detail) =>
        name is null
            ? $"{store}: {operation} failed: {detail}"
            : $"{store}: {operation} '{name}' failed: {detail}";
}
