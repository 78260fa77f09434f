namespace RankDistill.Activities.Data;

/// <summary>
/// The drop (or its labels) cannot train or evaluate anything: no usable click rows, no usable
/// labels, or no labelled query in the train or test split. Retrying cannot help, so the
/// pipeline registers this type as non-retryable; the message says why and what was rejected.
/// </summary>
public sealed class UnusableDropException : Exception
{
    public UnusableDropException()
    {
    }

    public UnusableDropException(string message)
        : base(message)
    {
    }

    public UnusableDropException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
