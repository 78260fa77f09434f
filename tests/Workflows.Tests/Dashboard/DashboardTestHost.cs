using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DurableTask.Core.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Testing;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>
/// The real serve host (task hubs on a SQLite file, a worker on the default queue, the artifact store, the dashboard)
/// in this process, on a free loopback port, over a temporary data folder, with <see cref="MimicPipeline"/>'s tasks
/// besides the host's own (WorkflowRegistrations).
/// </summary>
public sealed class DashboardTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardTestHost(WebApplication app, string dataRoot, Uri baseAddress, IConfiguration configuration, LogCapture logs)
    {
        _app = app;
        Logs = logs;
        DataRoot = dataRoot;
        BaseAddress = baseAddress;
        Configuration = configuration;
        Http = NewHttpClient();
    }

    public string DataRoot { get; }

    /// <summary>Where tests reach the host (on 127.0.0.1 unless <see cref="StartAsync"/> was told otherwise).</summary>
    public Uri BaseAddress { get; }

    public IConfiguration Configuration { get; }

    /// <summary>Every message the host logged (Information and up), the audit lines included.</summary>
    public LogCapture Logs { get; }

    /// <summary>A client with its own cookie jar (for the anti-forgery cookie).</summary>
    public HttpClient Http { get; }

    /// <summary>The default queue's task hub, where the pipelines run.</summary>
    public DurableTaskClient Client => _app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>The gpu queue's task hub, where GPU steps run as <c>GpuStep</c> orchestrations.</summary>
    public DurableTaskClient GpuClient => _app.Services.GetRequiredKeyedService<DurableTaskClient>(TaskQueues.Gpu);

    public IArtifactStore Store => _app.Services.GetRequiredService<IArtifactStore>();

    /// <param name="settings">Extra settings (e.g. Dashboard:ApiKey, secrets to scrub).</param>
    /// <param name="listenHost">The address to listen on; 127.0.0.1 by default.</param>
    /// <param name="connectHost">The address tests connect to; <paramref name="listenHost"/> by default.</param>
    /// <param name="serveGpu">Also run a worker of the <c>gpu</c> queue (the real pipeline's training); off, gpu work waits, as with no GPU worker.</param>
    public static async Task<DashboardTestHost> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, string listenHost = "127.0.0.1", string? connectHost = null, bool serveGpu = false)
    {
        var dataRoot = Directory.CreateTempSubdirectory("rankdistill-dashboard-").FullName;
        var values = new Dictionary<string, string?> { ["Data:Root"] = dataRoot };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;
        // Only these settings: nothing from the machine's environment or files reaches the host under test.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        // A free port can be taken by another process before Kestrel binds it: then try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var dashboard = DashboardOptions.Read(configuration, [$"http://{listenHost}:{port}"]);
            var builder = DashboardWebHost.CreateBuilder(configuration, HostSettings.Load(configuration, dataRoot), dashboard,
                serveGpu ? new Dictionary<string, int> { [TaskQueues.Default] = 2, [TaskQueues.Gpu] = 1 } : new Dictionary<string, int> { [TaskQueues.Default] = 2 },
                MimicPipeline.Register);
            var logs = new LogCapture();
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            var app = builder.Build();
            app.MapDashboard();
            try
            {
                await app.StartAsync(TestContext.Current.CancellationToken);
            }
            catch (Exception e)
            {
                // A host that refused to run must not keep its port.
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                if (attempt < 3 && e is IOException { InnerException: AddressInUseException })
                    continue;
                throw;
            }
            return new DashboardTestHost(app, dataRoot, new Uri($"http://{connectHost ?? listenHost}:{port}/"), configuration, logs);
        }
    }

    public HttpClient NewHttpClient() =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts <see cref="MimicPipeline"/> for <paramref name="dropId"/> as <c>pipeline-&lt;drop&gt;</c>; returns its instance id.</summary>
    public Task<string> StartPipelineAsync(string dropId, string? holdForEvent = null, string? failMarker = null, string? note = null) =>
        Client.ScheduleNewOrchestrationInstanceAsync(MimicPipeline.Name, MimicPipeline.NewInput(dropId, holdForEvent, failMarker, note),
            new StartOrchestrationOptions { InstanceId = $"pipeline-{dropId}" }, TestContext.Current.CancellationToken);

    public async Task<OrchestrationMetadata> WaitForEndAsync(string instanceId)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(3));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, deadline.Token);
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the instance (polling the real engine, with a deadline).</summary>
    public async Task<OrchestrationMetadata> WaitForAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, TestContext.Current.CancellationToken) is { } instance && condition(instance))
                return instance;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {instanceId} to be {what}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// The instance's history once every message queued for it so far has been delivered: sends a probe event (which
    /// nothing waits for, so it changes nothing) and waits until the history holds it; messages reach an instance in
    /// the order they were sent.
    /// </summary>
    public async Task<IList<HistoryEvent>> SettledHistoryAsync(string instanceId)
    {
        var probe = $"probe-{Guid.NewGuid():N}";
        await Client.RaiseEventAsync(instanceId, probe, cancellation: TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var history = await Client.GetOrchestrationHistoryAsync(instanceId, TestContext.Current.CancellationToken);
            if (history.Any(e => e is EventRaisedEvent { Name: var name } && name == probe))
                return history;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The probe event never reached {instanceId}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until the held pipeline sits at its external-event wait (custom status says so).</summary>
    public Task<OrchestrationMetadata> WaitUntilHeldAsync(string instanceId) =>
        WaitForAsync(instanceId, i => i.SerializedCustomStatus?.Contains("waiting for event", StringComparison.Ordinal) == true, "held at its event wait");

    /// <summary>POSTs an action the way the page does: anti-forgery token first, then the POST with its header.</summary>
    public static async Task<HttpResponseMessage> PostActionAsync(HttpClient http, string path, object? body = null)
    {
        var token = await http.GetFromJsonAsync<AntiforgeryToken>("api/antiforgery", DashboardJson.Options, TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, options: DashboardJson.Options),
        };
        request.Headers.Add(token!.HeaderName, token.Token);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<T> GetAsync<T>(string path)
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        return (await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options, TestContext.Current.CancellationToken))!;
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold its WAL a moment after the host stops; the folder is in /tmp either way.
        }
    }
}
