namespace RankDistill.TaskHub;

/// <summary>Which provider holds the task hubs.</summary>
public enum TaskHubKind
{
    /// <summary>A SQLite file: the embedded default, nothing to install; processes on one machine share it.</summary>
    Sqlite,

    /// <summary>DurableTask.AzureStorage (queues, tables and blobs of a storage account): workers on many machines.</summary>
    AzureStorage,
}

/// <summary>Section <c>TaskHub</c>: the provider and how long a dead worker's work waits before another takes it.</summary>
public sealed class TaskHubOptions
{
    public const string Section = "TaskHub";

    public TaskHubKind Kind { get; set; } = TaskHubKind.Sqlite;

    /// <summary>
    /// The default queue's task hub; the gpu queue's is this name + <c>gpu</c> (<see cref="TaskQueues.HubName"/>). Azure
    /// Storage names queues and tables after it: 3 to 42 letters and digits, starting with a letter.
    /// </summary>
    public string Name { get; set; } = "rankdistill";

    /// <summary>The SQLite file (both hubs live in it).</summary>
    public string SqlitePath { get; set; } = "";

    /// <summary>An Azure Storage connection string (secret). Either this or <see cref="AccountName"/> for Azure Storage.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A storage account signed in to with DefaultAzureCredential (managed identity in Azure).</summary>
    public string? AccountName { get; set; }

    /// <summary>Azure Storage control-queue partitions: how many processes can run orchestrations at once (1 to 16).</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>
    /// How long work held by a worker that died waits before another worker takes it: the lock (SQLite) or queue
    /// visibility timeout (Azure Storage) of a work item. A live worker renews it every 30 s or sooner, so a step that
    /// runs for hours is never taken from it; keep it well above 30 s.
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest an idle worker waits between looks for work that another process queued.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Every problem with these settings, each naming its setting; empty when they are valid.</summary>
    public IEnumerable<string> Validate()
    {
        if (Name.Length is < 3 or > 42 || !char.IsAsciiLetter(Name[0]) || !Name.All(char.IsAsciiLetterOrDigit))
            yield return $"TaskHub:Name '{Name}' must be 3 to 42 letters and digits, starting with a letter";
        if (Kind == TaskHubKind.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
            yield return "TaskHub:SqlitePath must name a file when TaskHub:Kind is Sqlite";
        if (Kind == TaskHubKind.AzureStorage && (ConnectionString is null) == (AccountName is null))
            yield return "TaskHub:Kind = AzureStorage needs exactly one of TaskHub:ConnectionString and TaskHub:AccountName";
        if (PartitionCount is < 1 or > 16)
            yield return $"TaskHub:PartitionCount {PartitionCount} must be 1 to 16";
        if (LockDuration < TimeSpan.FromSeconds(5) || LockDuration > TimeSpan.FromHours(1))
            yield return $"TaskHub:LockDuration {LockDuration:c} must be 00:00:05 to 01:00:00";
        if (MaxPollInterval < TimeSpan.FromMilliseconds(10) || MaxPollInterval > TimeSpan.FromMinutes(1))
            yield return $"TaskHub:MaxPollInterval {MaxPollInterval:c} must be 00:00:00.010 to 00:01:00";
    }
}
