namespace RankDistill.Models.Checkpoints;

/// <summary>A checkpoint that does not fit the model: a tensor with the wrong shape, or tensors the model needs that are missing. The message names them.</summary>
public sealed class CheckpointMismatchException : Exception
{
    public CheckpointMismatchException(string message) : base(message) { }

    public CheckpointMismatchException(string message, Exception inner) : base(message, inner) { }

    public CheckpointMismatchException() { }
}
