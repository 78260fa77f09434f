namespace RankDistill.Models.Training;

/// <summary>A checkpoint whose manifest is missing, unreadable, or does not match a file's size or hash.</summary>
public sealed class CorruptCheckpointException : Exception
{
    public CorruptCheckpointException(string message) : base(message) { }

    public CorruptCheckpointException(string message, Exception inner) : base(message, inner) { }

    public CorruptCheckpointException() { }
}
