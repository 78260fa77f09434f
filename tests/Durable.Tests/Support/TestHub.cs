using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Client;
using RankDistill.Durable.Hosting;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Tests.Support;

/// <summary>A real host with the worker and client on a real SQLite file in a temp folder.</summary>
public sealed class TestHub : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempFolder? _folder;

    private TestHub(IHost host, TempFolder? folder, string path)
    {
        _host = host;
        _folder = folder;
        DatabasePath = path;
    }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public IDurableBackend Backend => _host.Services.GetRequiredService<IDurableBackend>();

    public IServiceProvider Services => _host.Services;

    public string DatabasePath { get; }

    /// <param name="register">Orchestrators and activities.</param>
    /// <param name="worker">Worker settings on top of fast test defaults; null runs no worker.</param>
    /// <param name="time">The clock (a FakeTimeProvider in tests of waits); the system clock by default.</param>
    /// <param name="databasePath">An existing hub file to share; a new temp file by default.</param>
    /// <param name="options">Payload settings.</param>
    /// <param name="runWorker">False for a client-only process.</param>
    public static async Task<TestHub> StartAsync(
        Action<DurableTaskBuilder> register,
        Action<DurableTaskWorkerOptions>? worker = null,
        TimeProvider? time = null,
        string? databasePath = null,
        Action<DurableTaskOptions>? options = null,
        bool runWorker = true)
    {
        var folder = databasePath is null ? new TempFolder() : null;
        var path = databasePath ?? folder!.File("hub.db");
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (time is not null)
            builder.Services.AddSingleton(time);
        builder.Services.AddDurableTask(b =>
        {
            b.UseSqlite(path);
            if (options is not null)
                b.Configure(options);
            register(b);
        });
        builder.Services.AddDurableTaskClient();
        if (runWorker)
        {
            builder.Services.AddDurableTaskWorker(o =>
            {
                o.MinPollInterval = TimeSpan.FromMilliseconds(5);
                o.MaxPollInterval = TimeSpan.FromMilliseconds(100);
                o.AbandonDelay = TimeSpan.FromMilliseconds(50);
                o.HeartbeatFlushInterval = TimeSpan.Zero;
                worker?.Invoke(o);
            });
        }
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TestHub(host, folder, path);
    }

    /// <summary>Schedules an instance and waits (with a deadline) until it finishes.</summary>
    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, string? instanceId = null, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions { InstanceId = instanceId }, TestContext.Current.CancellationToken);
        return await WaitAsync(id, timeout);
    }

    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            return await Client.WaitForInstanceCompletionAsync(instanceId, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var state = await Client.GetInstanceAsync(instanceId, CancellationToken.None);
            throw new TimeoutException($"Instance {instanceId} did not finish in time; it is {state?.RuntimeStatus}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        await ((IAsyncDisposable)_host).DisposeAsync();
        _folder?.Dispose();
    }
}
