namespace RankDistill.Durable;

/// <summary>An input, output, event or status is larger than the configured payload limit.</summary>
public sealed class PayloadTooLargeException : Exception
{
    public PayloadTooLargeException()
    {
    }

    public PayloadTooLargeException(string message)
        : base(message)
    {
    }

    public PayloadTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
