namespace RankDistill.Durable;

/// <summary>A payload could not be serialized to JSON, or read back as the type asked for.</summary>
public sealed class PayloadSerializationException : Exception
{
    public PayloadSerializationException()
    {
    }

    public PayloadSerializationException(string message)
        : base(message)
    {
    }

    public PayloadSerializationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
