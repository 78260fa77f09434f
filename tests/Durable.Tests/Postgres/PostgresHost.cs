using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.Hosting;
using RankDistill.Durable.Postgres;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>A real host (client, and a worker unless told otherwise) on a PostgreSQL hub: one "process" of a
/// scaled-out deployment. Several in one test have separate wake-ups, as separate processes would.</summary>
internal sealed class PostgresHost : IAsyncDisposable
{
    private readonly IHost _host;

    private PostgresHost(IHost host) => _host = host;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public PostgresBackend Backend => (PostgresBackend)_host.Services.GetRequiredService<IDurableBackend>();

    /// <param name="connectionString">The hub's database.</param>
    /// <param name="schema">The hub's schema.</param>
    /// <param name="register">Orchestrators and activities.</param>
    /// <param name="worker">Worker settings on top of fast test defaults; null runs no worker.</param>
    public static async Task<PostgresHost> StartAsync(string connectionString, string schema, Action<DurableTaskBuilder> register, Action<DurableTaskWorkerOptions>? worker = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddDurableTask(b => register(b.UsePostgres(connectionString, o =>
        {
            o.SchemaName = schema;
            o.RetryDelay = TimeSpan.FromMilliseconds(20);
        })));
        builder.Services.AddDurableTaskClient();
        if (worker is not null)
        {
            builder.Services.AddDurableTaskWorker(o =>
            {
                o.MinPollInterval = TimeSpan.FromMilliseconds(5);
                o.MaxPollInterval = TimeSpan.FromMilliseconds(200);
                o.AbandonDelay = TimeSpan.FromMilliseconds(50);
                o.HeartbeatFlushInterval = TimeSpan.Zero;
                worker(o);
            });
        }
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new PostgresHost(host);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await Client.WaitForInstanceCompletionAsync(instanceId, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var state = await Client.GetInstanceAsync(instanceId, CancellationToken.None);
            throw new TimeoutException($"Instance {instanceId} did not finish within {timeout}; it is {state?.RuntimeStatus}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        await ((IAsyncDisposable)_host).DisposeAsync();
    }
}
