using System.Text.RegularExpressions;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.History;
using RankDistill.Durable.Postgres;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>The GPU workers' KEDA scale rule (infra/bicep/main.bicep, parameter gpuQueueDepthQuery) run as written
/// against a real hub in the default schema: it must count the gpu queue's outstanding items, queued or leased.</summary>
public sealed partial class KedaScaleQueryTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset _t0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GpuQueueDepthQuery_HubWithQueuedLeasedAndDoneWork_CountsOutstandingGpuItems()
    {
        var query = DefaultQuery();
        var connectionString = await postgres.DatabaseAsync("keda");
        await using var backend = new PostgresBackend(new PostgresBackendOptions { ConnectionString = connectionString });
        await backend.InitializeAsync(Ct);
        await backend.CreateInstanceAsync(new NewInstance("run", "Pipeline", null, new ExecutionStarted("Pipeline", null, 0) { Timestamp = _t0 }, _t0, _t0),
            InstanceIdReusePolicy.AllowWhenTerminal, Ct);
        var step = (await backend.LockNextOrchestrationAsync(new LockRequest("w", _t0, _t0.AddMinutes(1)), Ct))!;
        await backend.CompleteOrchestrationAsync(step, new OrchestrationCommit
        {
            History = [step.Messages[0].Event],
            Instance = new InstanceUpdate("Pipeline", OrchestrationRuntimeStatus.Running, 1, null, null, null, null, null, _t0, null),
            Tasks = [.. new[] { "gpu", "gpu", "gpu", "gpu", "default", "default" }.Select((q, i) => new NewActivityTask(i, "Train", q, null, 1, 1, null, null, _t0))],
        }, Ct);
        Assert.Equal(4L, await Pg.ScalarAsync<long>(connectionString, query));

        // Two leased (one of them then done), two still queued: three outstanding.
        var leased = await backend.LockNextActivitiesAsync("gpu", new LockRequest("gpu-1", _t0, _t0.AddMinutes(5)), 2, null, Ct);
        Assert.Equal(2, leased.Count);
        Assert.Equal(4L, await Pg.ScalarAsync<long>(connectionString, query));
        Assert.True(await backend.CompleteActivityAsync(leased[0], new OutboundMessage("run", new TaskCompleted(leased[0].TaskId, "1"), _t0, 1), Ct));

        Assert.Equal(3L, await Pg.ScalarAsync<long>(connectionString, query));
    }

    /// <summary>The parameter's default value, with Bicep's string escapes undone.</summary>
    private static string DefaultQuery()
    {
        var bicep = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "infra", "bicep", "main.bicep"));
        var match = QueryParameter().Match(bicep);
        Assert.True(match.Success, "main.bicep has no default for gpuQueueDepthQuery");
        return match.Groups[1].Value.Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^param gpuQueueDepthQuery string = '((?:[^'\\]|\\.)*)'", RegexOptions.Multiline)]
    private static partial Regex QueryParameter();
}
