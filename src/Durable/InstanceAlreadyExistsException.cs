namespace RankDistill.Durable;

/// <summary>An instance with the requested id exists and the reuse policy refuses to replace it.</summary>
public sealed class InstanceAlreadyExistsException : Exception
{
    public InstanceAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
        : base($"Orchestration instance '{instanceId}' already exists with status {status}.")
    {
        InstanceId = instanceId;
        Status = status;
    }

    public InstanceAlreadyExistsException()
    {
    }

    public InstanceAlreadyExistsException(string message)
        : base(message)
    {
    }

    public InstanceAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string InstanceId { get; } = "";

    public OrchestrationRuntimeStatus Status { get; }
}
