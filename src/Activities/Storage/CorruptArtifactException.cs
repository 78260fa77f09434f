namespace RankDistill.Activities.Storage;

/// <summary>
/// An artifact whose content does not match what its set's manifest recorded (size or SHA-256), a file the
/// manifest lists that is missing, or a manifest that cannot be read. The message names the artifact.
/// </summary>
public sealed class CorruptArtifactException : Exception
{
    public CorruptArtifactException(string name, string problem)
        : base($"Artifact '{name}' is corrupt: {problem}.")
    {
        ArtifactName = name;
    }

    public CorruptArtifactException(string name, string problem, Exception inner)
        : base($"Artifact '{name}' is corrupt: {problem}.", inner)
    {
        ArtifactName = name;
    }

    public CorruptArtifactException() { }

    public CorruptArtifactException(string message) : base(message) { }

    public string? ArtifactName { get; }
}
