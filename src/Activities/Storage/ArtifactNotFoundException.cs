namespace RankDistill.Activities.Storage;

/// <summary>The artifact asked for does not exist in the store.</summary>
public sealed class ArtifactNotFoundException : Exception
{
    public ArtifactNotFoundException(string store, string name)
        : base($"Artifact '{name}' not found in {store}.")
    {
        Store = store;
        ArtifactName = name;
    }

    public ArtifactNotFoundException() { }

    public ArtifactNotFoundException(string message) : base(message) { }

    public ArtifactNotFoundException(string message, Exception inner) : base(message, inner) { }

    public string? Store { get; }

    public string? ArtifactName { get; }
}
