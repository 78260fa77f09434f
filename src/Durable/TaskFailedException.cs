namespace RankDistill.Durable;

/// <summary>An activity or sub-orchestration called from an orchestration failed (after its retries).</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, FailureDetails failureDetails)
        : base($"Task '{taskName}' (id {taskId}) failed: {failureDetails.ErrorType}: {failureDetails.Message}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    public TaskFailedException()
        : this("unknown", -1, new FailureDetails("unknown", "unknown"))
    {
    }

    public TaskFailedException(string message)
        : this("unknown", -1, new FailureDetails("unknown", message))
    {
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TaskName = "unknown";
        FailureDetails = FailureDetails.FromException(innerException);
    }

    public string TaskName { get; } = "unknown";

    public int TaskId { get; } = -1;

    /// <summary>The failure as the activity (or child orchestration) reported it.</summary>
    public FailureDetails FailureDetails { get; }
}
