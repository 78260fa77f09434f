namespace RankDistill.Durable;

/// <summary>No orchestration instance has the given id.</summary>
public sealed class InstanceNotFoundException : Exception
{
    public InstanceNotFoundException()
    {
    }

    public InstanceNotFoundException(string message)
        : base(message)
    {
    }

    public InstanceNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static InstanceNotFoundException For(string instanceId) =>
        new($"No orchestration instance has id '{instanceId}'.");
}
