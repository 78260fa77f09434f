namespace RankDistill.Durable.Backends;

/// <summary>The caller's lock no longer holds the work item (it expired and another worker took
/// it); nothing was written.</summary>
public sealed class LockLostException : Exception
{
    public LockLostException()
    {
    }

    public LockLostException(string message)
        : base(message)
    {
    }

    public LockLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
