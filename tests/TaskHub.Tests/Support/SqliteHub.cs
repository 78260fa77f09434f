using DurableTask.Core;
using RankDistill.TaskHub.Sqlite;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>A SQLite task hub in a new temporary file.</summary>
public sealed class SqliteHub : HubUnderTest
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-taskhub-").FullName;

    /// <param name="hubName">The task hub in the file.</param>
    /// <param name="filePath">Another hub's file, to share it; by default a new file.</param>
    public SqliteHub(string hubName = "test", string? filePath = null)
    {
        HubName = hubName;
        FilePath = filePath ?? Path.Combine(_folder, "hub.db");
    }

    public string HubName { get; }

    public string FilePath { get; }

    public string Folder => _folder;

    public override TimeSpan Patience => TimeSpan.FromSeconds(30);

    public SqliteOrchestrationServiceOptions Options(string workerId, HubTimings timings) => new()
    {
        FilePath = FilePath,
        TaskHubName = HubName,
        WorkerId = workerId,
        ActivityLockDuration = timings.ActivityLock,
        OrchestrationLockDuration = timings.OrchestrationLock,
        MaxConcurrentActivities = timings.MaxConcurrentActivities,
        PollInterval = TimeSpan.FromMilliseconds(100),
    };

    public override Task RewindAsync(string instanceId, string reason) =>
        ((SqliteOrchestrationService)Client).RewindTaskOrchestrationAsync(instanceId, reason);

    protected override IOrchestrationService CreateService(string workerId, HubTimings timings) =>
        new SqliteOrchestrationService(Options(workerId, timings), TestLoggerFactory.Instance);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
