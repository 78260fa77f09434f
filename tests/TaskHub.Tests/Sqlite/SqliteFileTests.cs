using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.Data.Sqlite;
using RankDistill.TaskHub.Sqlite;
using RankDistill.TaskHub.Tests.Support;

namespace RankDistill.TaskHub.Tests.Sqlite;

/// <summary>What only the SQLite provider has: several hubs in one file, its schema, its settings, its tokens.</summary>
public sealed class SqliteFileTests : IAsyncLifetime
{
    private readonly SqliteHub _cpu = new("cpu");
    private SqliteHub? _gpu;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_gpu is not null)
            await _gpu.DisposeAsync();
        await _cpu.DisposeAsync();
    }

    [Fact]
    public async Task TwoHubsInOneFile_NeverSeeEachOthersInstancesOrWork()
    {
        _gpu = new SqliteHub("gpu", _cpu.FilePath);
        await _cpu.StartWorkerAsync("cpu-worker");
        var key = ExecutionLog.NewKey();

        // Only the CPU hub has a worker: the GPU hub's instance must wait, untouched by it.
        var onGpu = await _gpu.StartAsync(typeof(RecordAll), new[] { $"{key}/gpu" }, "same-id");
        var onCpu = await _cpu.StartAsync(typeof(RecordAll), new[] { $"{key}/cpu" }, "same-id");

        Assert.Equal(["cpu-worker"], Read<string[]>((await _cpu.CompletedAsync(onCpu.InstanceId)).Output));
        Assert.Equal(OrchestrationStatus.Pending, (await _gpu.GetStateAsync("same-id"))?.OrchestrationStatus);
        Assert.Equal(onGpu.ExecutionId, (await _gpu.GetStateAsync("same-id"))?.OrchestrationInstance.ExecutionId);
        var cpuQuery = await ((IOrchestrationServiceQueryClient)_cpu.Client).GetOrchestrationWithQueryAsync(new OrchestrationQuery(), TestContext.Current.CancellationToken);
        Assert.Equal([onCpu.ExecutionId], cpuQuery.OrchestrationState.Select(s => s.OrchestrationInstance.ExecutionId));

        await _gpu.StartWorkerAsync("gpu-worker");
        Assert.Equal(["gpu-worker"], Read<string[]>((await _gpu.CompletedAsync(onGpu.InstanceId)).Output));
        Assert.Equal(["cpu@cpu-worker", "gpu@gpu-worker"], ExecutionLog.Entries(key).Order());
    }

    [Fact]
    public async Task FreshFile_IsMigratedOnce_AndANewerFileIsRefused()
    {
        await _cpu.Client.GetOrchestrationStateAsync("nothing", allExecutions: false);
        await ((IOrchestrationService)_cpu.NewService("second")).CreateIfNotExistsAsync();

        await using (var connection = Open(_cpu.FilePath))
        {
            Assert.Equal(1L, Scalar(connection, "SELECT COUNT(*) FROM TaskHubSchemaVersions"));
            Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
            foreach (var table in new[] { "Instances", "History", "Inbox", "Tasks" })
                Assert.Equal(1L, Scalar(connection, $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
            Scalar(connection, "INSERT INTO TaskHubSchemaVersions (Version, AppliedAt) VALUES (99, 0)");
        }

        await using var newer = new SqliteOrchestrationService(new SqliteOrchestrationServiceOptions { FilePath = _cpu.FilePath });
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(newer.CreateIfNotExistsAsync);
        Assert.Contains("schema version 99", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FilePath")]
    [InlineData("TaskHubName")]
    [InlineData("WorkerId")]
    [InlineData("ActivityLockDuration")]
    [InlineData("OrchestrationLockDuration")]
    [InlineData("PollInterval")]
    [InlineData("MaxConcurrentActivities")]
    [InlineData("MaxConcurrentOrchestrations")]
    [InlineData("MaxActivityDispatches")]
    public void Options_OutOfRange_AreRefusedNamingTheSetting(string setting)
    {
        var valid = new SqliteOrchestrationServiceOptions { FilePath = "hub.db" };
        var invalid = setting switch
        {
            "FilePath" => valid with { FilePath = " " },
            "TaskHubName" => valid with { TaskHubName = "" },
            "WorkerId" => valid with { WorkerId = "" },
            "ActivityLockDuration" => valid with { ActivityLockDuration = TimeSpan.Zero },
            "OrchestrationLockDuration" => valid with { OrchestrationLockDuration = TimeSpan.FromMilliseconds(10) },
            "PollInterval" => valid with { PollInterval = TimeSpan.FromHours(1) },
            "MaxConcurrentActivities" => valid with { MaxConcurrentActivities = 0 },
            "MaxConcurrentOrchestrations" => valid with { MaxConcurrentOrchestrations = -1 },
            "MaxActivityDispatches" => valid with { MaxActivityDispatches = 0 },
            _ => throw new ArgumentOutOfRangeException(nameof(setting)),
        };
        valid.Validate();

        var refused = Assert.Throws<ArgumentException>(() => new SqliteOrchestrationService(invalid));

        Assert.Equal(setting, refused.ParamName);
        Assert.Contains($"SqliteOrchestrationServiceOptions.{setting}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_MalformedContinuationToken_IsAnArgumentExceptionNamingIt()
    {
        var query = (IOrchestrationServiceQueryClient)_cpu.Client;

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            query.GetOrchestrationWithQueryAsync(new OrchestrationQuery { ContinuationToken = "not-a-token" }, TestContext.Current.CancellationToken));

        Assert.Contains("ContinuationToken 'not-a-token'", refused.Message, StringComparison.Ordinal);
        Assert.Equal("query", refused.ParamName);
    }

    [Fact]
    public async Task PurgeHistoryByTime_DeletesFinishedInstancesBeforeTheThresholdOnly()
    {
        await _cpu.StartWorkerAsync();
        var done = await _cpu.StartAsync(typeof(Greeting), "old");
        await _cpu.CompletedAsync(done.InstanceId);
        var waiting = await _cpu.StartAsync(typeof(Approval), "still open");
        await _cpu.WaitAsync(waiting.InstanceId, s => s.Status == "\"waiting\"");

        await _cpu.Client.PurgeOrchestrationHistoryAsync(DateTime.UtcNow.AddSeconds(1), OrchestrationStateTimeRangeFilterType.OrchestrationCompletedTimeFilter);

        Assert.Null(await _cpu.GetStateAsync(done.InstanceId));
        Assert.Equal(OrchestrationStatus.Running, (await _cpu.GetStateAsync(waiting.InstanceId))?.OrchestrationStatus);
    }

    internal static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        return connection;
    }

    internal static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static T Read<T>(string? json) => DurableTask.Core.Serializing.JsonDataConverter.Default.Deserialize<T>(json!);
}
