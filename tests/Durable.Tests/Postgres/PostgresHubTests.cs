using Npgsql;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Worker;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>What is PostgreSQL's own: schema versions and concurrent migration, SKIP LOCKED, the idempotent
/// history append, and notifications between processes.</summary>
public sealed class PostgresHubTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _deadline = TimeSpan.FromSeconds(10);
    private readonly string _schema = Pg.NewSchema();
    private string _connectionString = "";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _connectionString = await postgres.DatabaseAsync("hub");

    public async ValueTask DisposeAsync() => await Pg.DropSchemaAsync(_connectionString, _schema);

    private PostgresBackend NewBackend(WorkSignal? signal = null, string? applicationName = null) => new(
        new PostgresBackendOptions
        {
            ConnectionString = applicationName is null ? _connectionString : new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = applicationName }.ConnectionString,
            SchemaName = _schema,
        },
        TimeProvider.System, signal, null);

    [Fact]
    public async Task InitializeAsync_TenProcessesAtOnce_OneMigrationAndAllStart()
    {
        var backends = Enumerable.Range(0, 10).Select(_ => NewBackend()).ToList();
        try
        {
            await Task.WhenAll(backends.Select(b => Task.Run(() => b.InitializeAsync(Ct), Ct)));
        }
        finally
        {
            foreach (var backend in backends)
                await backend.DisposeAsync();
        }
        Assert.Equal(1L, await Pg.ScalarAsync<long>(_connectionString, $"SELECT COUNT(*) FROM {_schema}.schema_versions"));
        Assert.Equal(PostgresSchema.LatestVersion, await Pg.ScalarAsync<int>(_connectionString, $"SELECT MAX(version) FROM {_schema}.schema_versions"));
    }

    [Fact]
    public async Task InitializeAsync_SchemaFromNewerEngine_RefusesWithClearError()
    {
        await using (var first = NewBackend())
            await first.InitializeAsync(Ct);
        await Pg.ExecuteAsync(_connectionString, $"INSERT INTO {_schema}.schema_versions (version, applied_at) VALUES (999, 0)");

        await using var newer = NewBackend();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(Ct));
        Assert.Contains("version 999", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Durable")]
    [InlineData("hub; DROP TABLE x")]
    [InlineData("")]
    public void Constructor_SchemaNameNotPlain_RefusesNamingTheSetting(string schema)
    {
        var e = Assert.Throws<ArgumentException>(() => new PostgresBackend(new PostgresBackendOptions { ConnectionString = _connectionString, SchemaName = schema }));
        Assert.Contains("SchemaName", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockNextActivitiesAsync_RowLockedByAnotherTransaction_TakesTheNextWithoutWaiting()
    {
        await using var backend = NewBackend();
        await backend.InitializeAsync(Ct);
        await StartWithTasksAsync(backend, "a", 2);
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await using (var hold = Pg.Command(other, $"SELECT id FROM {_schema}.tasks WHERE task_id = 0 FOR UPDATE"))
            await hold.ExecuteNonQueryAsync(Ct);

        // Without SKIP LOCKED this would wait for the other transaction, and the deadline would cancel it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(_deadline);
        var taken = await backend.LockNextActivitiesAsync("default", Lock(_t0), 2, null, deadline.Token);

        Assert.Equal([1], taken.Select(t => t.TaskId));
    }

    [Fact]
    public async Task LockNextOrchestrationAsync_RowLockedByAnotherTransaction_TakesTheNextWithoutWaiting()
    {
        await using var backend = NewBackend();
        await backend.InitializeAsync(Ct);
        await CreateAsync(backend, "first", _t0);
        await CreateAsync(backend, "second", _t0.AddSeconds(1));
        await using var other = new NpgsqlConnection(_connectionString);
        await other.OpenAsync(Ct);
        await using var transaction = await other.BeginTransactionAsync(Ct);
        await using (var hold = Pg.Command(other, $"SELECT 1 FROM {_schema}.instances WHERE instance_id = 'first' FOR UPDATE"))
            await hold.ExecuteNonQueryAsync(Ct);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(_deadline);
        var item = await backend.LockNextOrchestrationAsync(Lock(_t0.AddSeconds(2)), deadline.Token);

        Assert.Equal("second", item?.InstanceId);
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_HistorySequenceAlreadyTaken_RefusesTheWholeStep()
    {
        await using var backend = NewBackend();
        await backend.InitializeAsync(Ct);
        await CreateAsync(backend, "a", _t0);
        var item = (await backend.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        // As if the same step had been appended already: the fixed sequence numbers collide.
        await Pg.ExecuteAsync(_connectionString, $"INSERT INTO {_schema}.history VALUES ('a', 1, 'OrchestratorStarted', '{{}}')");

        var e = await Assert.ThrowsAsync<PostgresException>(() => backend.CompleteOrchestrationAsync(item, Commit(item, tasks: 1), Ct));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, e.SqlState);
        Assert.Equal(1L, await Pg.ScalarAsync<long>(_connectionString, $"SELECT COUNT(*) FROM {_schema}.history"));
        Assert.Empty(await backend.LockNextActivitiesAsync("default", Lock(_t0), 5, null, Ct));
        Assert.Equal("w1", (await backend.GetInstanceAsync("a", Ct))!.LockedBy);
    }

    [Fact]
    public async Task Notifications_WorkEnqueuedByAnotherProcess_WakeThisOnesDispatchersAndWaiters()
    {
        var signal = new WorkSignal(TimeProvider.System);
        await using var listening = NewBackend(signal);
        await listening.InitializeAsync(Ct);
        await listening.Listening.WaitAsync(_deadline, Ct);
        await using var other = NewBackend();
        await other.InitializeAsync(Ct);

        var orchestrations = signal.ArmOrchestrations();
        await CreateAsync(other, "a", _t0);
        await orchestrations.WaitAsync(_deadline, Ct);

        var gpu = signal.ArmQueue("gpu");
        var item = (await other.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        await other.CompleteOrchestrationAsync(item, Commit(item, tasks: 1, queue: "gpu"), Ct);
        await gpu.WaitAsync(_deadline, Ct);

        var results = signal.ArmOrchestrations();
        var activity = (await other.LockNextActivitiesAsync("gpu", Lock(_t0), 1, null, Ct)).Single();
        Assert.True(await other.CompleteActivityAsync(activity, new OutboundMessage("a", new TaskCompleted(0, "1"), _t0, 1), Ct));
        await results.WaitAsync(_deadline, Ct);

        var finished = signal.ArmInstanceChanges();
        var last = (await other.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        await other.CompleteOrchestrationAsync(last, Commit(last, tasks: 0, status: OrchestrationRuntimeStatus.Completed), Ct);
        await finished.WaitAsync(_deadline, Ct);
    }

    [Fact]
    public async Task Notifications_ListenerSessionEndedByServer_ReconnectsAndHearsAgain()
    {
        var application = "listener-" + Guid.NewGuid().ToString("N")[..8];
        var signal = new WorkSignal(TimeProvider.System);
        await using var listening = NewBackend(signal, application);
        await listening.InitializeAsync(Ct);
        await listening.Listening.WaitAsync(_deadline, Ct);
        await using var other = NewBackend();
        await other.InitializeAsync(Ct);

        // On reconnecting, the listener wakes everything once (what was sent meanwhile is lost).
        var reconnected = signal.ArmCancellations();
        Assert.True(await Pg.TerminateSessionsAsync(_connectionString, application) > 0);
        await reconnected.WaitAsync(_deadline, Ct);

        var orchestrations = signal.ArmOrchestrations();
        await CreateAsync(other, "a", _t0);
        await orchestrations.WaitAsync(_deadline, Ct);
    }

    private static LockRequest Lock(DateTimeOffset now) => new("w1", now, now.AddMinutes(1));

    private static Task CreateAsync(IDurableBackend backend, string id, DateTimeOffset at) =>
        backend.CreateInstanceAsync(new NewInstance(id, "Orch", null, new ExecutionStarted("Orch", null, 0) { Timestamp = at }, at, at),
            InstanceIdReusePolicy.AllowWhenTerminal, Ct);

    private static async Task StartWithTasksAsync(IDurableBackend backend, string id, int tasks)
    {
        await CreateAsync(backend, id, _t0);
        var item = (await backend.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        await backend.CompleteOrchestrationAsync(item, Commit(item, tasks), Ct);
    }

    private static OrchestrationCommit Commit(OrchestrationWorkItem item, int tasks, string queue = "default", OrchestrationRuntimeStatus status = OrchestrationRuntimeStatus.Running) => new()
    {
        History = [new OrchestratorStarted { Timestamp = _t0 }, .. item.Messages.Select(m => m.Event)],
        Instance = new InstanceUpdate("Orch", status, 1, null, null, null, null, null, _t0, status.IsTerminal() ? _t0 : null),
        Tasks = [.. Enumerable.Range(0, tasks).Select(i => new NewActivityTask(i, "Act", queue, null, 1, 1, null, null, _t0))],
    };
}
