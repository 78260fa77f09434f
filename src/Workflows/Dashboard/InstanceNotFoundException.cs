namespace RankDistill.Workflows.Dashboard;

/// <summary>No orchestration instance has the id an action named (also what a remote dashboard's 404 on an action becomes).</summary>
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
}
