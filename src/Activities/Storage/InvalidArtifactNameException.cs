namespace RankDistill.Activities.Storage;

/// <summary>A name that breaks one of <see cref="ArtifactName"/>'s rules; nothing was read or written.</summary>
public sealed class InvalidArtifactNameException : ArgumentException
{
    public InvalidArtifactNameException(string name, string rule)
        : base($"Artifact name '{ArtifactName.Printable(name)}' is not valid: {rule}.")
    {
        Name = name;
        Rule = rule;
    }

    public InvalidArtifactNameException() { }

    public InvalidArtifactNameException(string message) : base(message) { }

    public InvalidArtifactNameException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The refused name, as given.</summary>
    public string? Name { get; }

    /// <summary>The rule it broke, in words.</summary>
    public string? Rule { get; }
}
