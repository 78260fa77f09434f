using Npgsql;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Hosting;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Tests.Support;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>
/// Real dropped connections: sessions ended by the server (pg_terminate_backend) and connections cut by a
/// proxy at a write (a COMMIT, or the fenced one-batch write of a completion), before the server sees it or
/// after it committed. A completion that could not commit is redelivered once its lock expires; one that
/// committed but could not say so is never applied twice; a transaction cut before committing runs again.
/// </summary>
public sealed class PostgresResilienceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan _lease = TimeSpan.FromSeconds(30);
    private readonly string _schema = Pg.NewSchema();
    private readonly string _application = "proxied-" + Guid.NewGuid().ToString("N")[..8];
    private string _connectionString = "";
    private FaultProxy _proxy = null!;
    private PostgresBackend _direct = null!;
    private PostgresBackend _proxied = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connectionString = await postgres.DatabaseAsync("resilience");
        _proxy = FaultProxy.Start((await postgres.ServerAsync()).Port);
        _direct = new PostgresBackend(new PostgresBackendOptions { ConnectionString = _connectionString, SchemaName = _schema });
        _proxied = new PostgresBackend(new PostgresBackendOptions
        {
            ConnectionString = _proxy.Rewrite(_connectionString, _application),
            SchemaName = _schema,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });
        await _direct.InitializeAsync(Ct);
        await _proxied.InitializeAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _proxied.DisposeAsync();
        await _direct.DisposeAsync();
        await _proxy.DisposeAsync();
        await Pg.DropSchemaAsync(_connectionString, _schema);
    }

    [Fact]
    public async Task Operations_ServerEndedEverySession_RetriedOnNewConnections()
    {
        var application = "terminated-" + Guid.NewGuid().ToString("N")[..8];
        await using var backend = new PostgresBackend(new PostgresBackendOptions
        {
            ConnectionString = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = application }.ConnectionString,
            SchemaName = _schema,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });
        await backend.InitializeAsync(Ct);
        await CreateAsync(backend, "a");

        // Before each call the server ends the pooled session the call would use; each call still succeeds.
        Assert.True(await Pg.TerminateSessionsAsync(_connectionString, application) > 0);
        var step = (await backend.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        Assert.True(await Pg.TerminateSessionsAsync(_connectionString, application) > 0);
        await backend.CompleteOrchestrationAsync(step, Step(step, withTask: true), Ct);
        Assert.True(await Pg.TerminateSessionsAsync(_connectionString, application) > 0);
        var activity = (await backend.LockNextActivitiesAsync("default", Lock(_t0), 1, null, Ct)).Single();
        Assert.True(await Pg.TerminateSessionsAsync(_connectionString, application) > 0);
        Assert.True(await backend.CompleteActivityAsync(activity, Result(_t0), Ct));

        Assert.Equal(2, (await _direct.GetHistoryAsync("a", Ct)).Count);
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct), w => w.Name == nameof(TaskCompleted));
    }

    [Fact]
    public async Task CompleteActivityAsync_CutAfterServerCommitted_ThrowsYetResultStoredOnce()
    {
        var activity = await LockActivityThroughProxyAsync();

        _proxy.ArmWrite(afterReply: true);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => _proxied.CompleteActivityAsync(activity, Result(_t0), Ct));

        Assert.Equal(1, _proxy.Cuts);
        var pending = await _direct.GetPendingWorkAsync("a", Ct);
        Assert.Single(pending, w => w.Name == nameof(TaskCompleted));
        Assert.DoesNotContain(pending, w => w.Kind == PendingWorkKind.Activity);
        // The worker does not know it stored the result; a second try is fenced, and nothing is redelivered.
        Assert.False(await _proxied.CompleteActivityAsync(activity, Result(_t0), Ct));
        Assert.Empty(await _direct.LockNextActivitiesAsync("default", Lock(_t0 + _lease + TimeSpan.FromSeconds(1)), 1, null, Ct));
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct), w => w.Name == nameof(TaskCompleted));
    }

    [Fact]
    public async Task CompleteActivityAsync_CutBeforeServerSawIt_NothingStoredThenRedeliveredOnceLeaseExpires()
    {
        var activity = await LockActivityThroughProxyAsync();

        _proxy.ArmWrite(afterReply: false);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => _proxied.CompleteActivityAsync(activity, Result(_t0), Ct));
        await WaitForRollbackAsync();

        Assert.Equal(1, _proxy.Cuts);
        var pending = await _direct.GetPendingWorkAsync("a", Ct);
        Assert.DoesNotContain(pending, w => w.Name == nameof(TaskCompleted));
        Assert.True(Assert.Single(pending, w => w.Kind == PendingWorkKind.Activity).IsLocked);
        Assert.Empty(await _direct.LockNextActivitiesAsync("default", Lock(_t0 + TimeSpan.FromSeconds(10)), 1, null, Ct));

        var again = (await _direct.LockNextActivitiesAsync("default", Lock(_t0 + _lease + TimeSpan.FromSeconds(1)), 1, null, Ct)).Single();
        Assert.Equal(2, again.DispatchCount);
        Assert.True(await _direct.CompleteActivityAsync(again, Result(_t0), Ct));
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct), w => w.Name == nameof(TaskCompleted));
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_CutAfterServerCommitted_StepStoredOnceAndARetryIsFenced()
    {
        await CreateAsync(_direct, "a");
        var step = (await _proxied.LockNextOrchestrationAsync(Lock(_t0), Ct))!;

        _proxy.ArmWrite(afterReply: true);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => _proxied.CompleteOrchestrationAsync(step, Step(step, withTask: true), Ct));

        Assert.Equal(1, _proxy.Cuts);
        Assert.Equal(2, (await _direct.GetHistoryAsync("a", Ct)).Count);
        await Assert.ThrowsAsync<LockLostException>(() => _proxied.CompleteOrchestrationAsync(step, Step(step, withTask: true), Ct));
        Assert.Null(await _direct.LockNextOrchestrationAsync(Lock(_t0 + _lease + TimeSpan.FromSeconds(1)), Ct));
        Assert.Equal(2, (await _direct.GetHistoryAsync("a", Ct)).Count);
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct), w => w.Kind == PendingWorkKind.Activity);
    }

    [Fact]
    public async Task CompleteOrchestrationAsync_CutBeforeServerCommitted_NothingStoredThenRedeliveredOnceLockExpires()
    {
        await CreateAsync(_direct, "a");
        var step = (await _proxied.LockNextOrchestrationAsync(Lock(_t0), Ct))!;

        _proxy.ArmWrite(afterReply: false);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => _proxied.CompleteOrchestrationAsync(step, Step(step, withTask: true), Ct));
        await WaitForRollbackAsync();

        Assert.Equal(1, _proxy.Cuts);
        Assert.Empty(await _direct.GetHistoryAsync("a", Ct));
        Assert.Null(await _direct.LockNextOrchestrationAsync(Lock(_t0 + TimeSpan.FromSeconds(10)), Ct));
        var again = (await _direct.LockNextOrchestrationAsync(Lock(_t0 + _lease + TimeSpan.FromSeconds(1)), Ct))!;
        Assert.Equal(2, Assert.Single(again.Messages).DequeueCount);
        await _direct.CompleteOrchestrationAsync(again, Step(again, withTask: true), Ct);
        Assert.Equal(2, (await _direct.GetHistoryAsync("a", Ct)).Count);
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct), w => w.Kind == PendingWorkKind.Activity);
    }

    [Fact]
    public async Task CreateInstanceAsync_CutInsideTheTransaction_RetriedWithoutTheCallerNoticing()
    {
        // The insert never reaches the server: the transaction, not yet committing, is rolled back and run again.
        _proxy.Arm(sql => sql.Contains(".instances (instance_id, name, status", StringComparison.Ordinal), afterReply: false);
        await CreateAsync(_proxied, "a");

        Assert.Equal(1, _proxy.Cuts);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await _direct.GetInstanceAsync("a", Ct))!.RuntimeStatus);
        Assert.Single(await _direct.GetPendingWorkAsync("a", Ct));
    }

    [Fact]
    public async Task Worker_WritesCutBeforeAndAfterReachingServer_FanOutCompletesWithEachActivityOnceInHistory()
    {
        const int n = 20;
        static void Register(DurableTaskBuilder b) => b
            .AddActivity<int, int>("Double", (_, i) => Task.FromResult(i * 2))
            .AddOrchestrator<int, int>("FanOut", async (ctx, count) =>
                (await Task.WhenAll(Enumerable.Range(0, count).Select(i => ctx.CallActivityAsync<int>("Double", i)))).Sum());
        await using var client = await PostgresHost.StartAsync(_connectionString, _schema, Register);
        // The worker reaches the server through the proxy, which cuts four of its writes (whichever operations
        // they belong to): two before the server sees them, two after it committed.
        var first = _proxy.Writes + 4;
        foreach (var (k, afterReply) in new[] { (first, false), (first + 5, true), (first + 10, false), (first + 15, true) })
            _proxy.Arm(sql => FaultProxy.IsWrite(sql) && _proxy.Writes >= k, afterReply);
        await using var worker = await PostgresHost.StartAsync(_proxy.Rewrite(_connectionString, _application), _schema, Register, o =>
        {
            o.ActivityLeaseDuration = TimeSpan.FromSeconds(2);
            o.OrchestrationLockDuration = TimeSpan.FromSeconds(2);
            o.Queues["default"] = 4;
        });

        var id = await client.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", n, cancellationToken: Ct);
        var done = await client.WaitAsync(id, TimeSpan.FromSeconds(60));

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
        Assert.Equal(Enumerable.Range(0, n).Sum() * 2, done.ReadOutputAs<int>());
        Assert.Equal(4, _proxy.Cuts);
        var history = await client.Client.GetHistoryAsync(id, Ct);
        Assert.Equal(Enumerable.Range(0, n), history.OfType<TaskScheduled>().Select(t => t.TaskId).Order());
        Assert.Equal(Enumerable.Range(0, n), history.OfType<TaskCompleted>().Select(t => t.TaskId).Order());
    }

    private async Task<ActivityWorkItem> LockActivityThroughProxyAsync()
    {
        await CreateAsync(_direct, "a");
        var step = (await _direct.LockNextOrchestrationAsync(Lock(_t0), Ct))!;
        await _direct.CompleteOrchestrationAsync(step, Step(step, withTask: true), Ct);
        return (await _proxied.LockNextActivitiesAsync("default", Lock(_t0), 1, null, Ct)).Single();
    }

    /// <summary>The server ends a session whose client vanished (rolling back its transaction) on its own time:
    /// wait until no session of the proxied backend is inside a transaction.</summary>
    private Task WaitForRollbackAsync() =>
        Eventually.TrueAsync(async () => await Pg.ScalarAsync<long>(_connectionString,
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL", _application) == 0,
            TimeSpan.FromSeconds(10), "the cut session's transaction to end");

    private static LockRequest Lock(DateTimeOffset now) => new("w1", now, now + _lease);

    private static Task CreateAsync(IDurableBackend backend, string id) =>
        backend.CreateInstanceAsync(new NewInstance(id, "Orch", null, new ExecutionStarted("Orch", null, 0) { Timestamp = _t0 }, _t0, _t0),
            InstanceIdReusePolicy.AllowWhenTerminal, Ct);

    private static OrchestrationCommit Step(OrchestrationWorkItem item, bool withTask) => new()
    {
        History = [new OrchestratorStarted { Timestamp = _t0 }, item.Messages[0].Event],
        Instance = new InstanceUpdate("Orch", OrchestrationRuntimeStatus.Running, 1, null, null, null, null, null, _t0, null),
        Tasks = withTask ? [new NewActivityTask(0, "Act", "default", null, 1, 1, null, null, _t0)] : [],
    };

    private static OutboundMessage Result(DateTimeOffset at) => new("a", new TaskCompleted(0, "\"ok\"") { Timestamp = at }, at, 1);
}
