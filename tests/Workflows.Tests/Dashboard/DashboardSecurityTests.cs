using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using RankDistill.Testing;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>The security model: loopback by default, an API key when exposed, POST-only actions behind anti-forgery, no secrets out.</summary>
public sealed class DashboardSecurityTests
{
    private const string ApiKey = "k3y-for-tests-0123456789abcdef";

    [Fact]
    public async Task ExposedHost_RemoteRequestWithoutKey_401AndWithKey_200()
    {
        // Listening on every interface; the test connects through one that is not loopback.
        var address = NonLoopbackAddress();
        await using var host = await DashboardTestHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:ApiKey"] = ApiKey }, "0.0.0.0", address);
        using var http = host.NewHttpClient();

        using var missing = await http.GetAsync("api/instances", TestContext.Current.CancellationToken);
        using var wrong = await SendAsync(http, HttpMethod.Get, "api/instances", ("X-Api-Key", ApiKey + "x"));
        using var unknownPath = await http.GetAsync("api/nothing/here", TestContext.Current.CancellationToken);
        using var token = await http.GetAsync("api/antiforgery", TestContext.Current.CancellationToken);
        using var header = await SendAsync(http, HttpMethod.Get, "api/instances", ("X-Api-Key", ApiKey));
        using var bearer = await SendAsync(http, HttpMethod.Get, "api/instances", ("Authorization", $"Bearer {ApiKey}"));
        using var page = await http.GetAsync("", TestContext.Current.CancellationToken);
        using var script = await http.GetAsync("js/api.js", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        // The host saw the request come from the machine's other address, not from loopback.
        Assert.Contains($"Dashboard refused GET /api/instances from {address}: no valid API key", host.Logs.Messages);
        Assert.Contains(missing.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownPath.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        // The page and its scripts hold no data: they load without the key, then ask for it.
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.DoesNotContain(ApiKey, await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExposedHost_ActionWithoutKey_401AndNothingHappens()
    {
        await using var host = await DashboardTestHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:ApiKey"] = ApiKey }, "0.0.0.0", NonLoopbackAddress());
        var id = await host.StartPipelineAsync("drop-keyed", holdForEvent: "approve");
        await host.WaitUntilHeldAsync(id);

        using var response = await host.NewHttpClient().PostAsync($"api/instances/{id}/terminate", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertUntouched(await host.SettledHistoryAsync(id));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id, TestContext.Current.CancellationToken))!.RuntimeStatus);
    }

    [Fact]
    public async Task Serve_ExposedWithoutKey_RefusesToStartNamingTheSetting()
    {
        var data = Directory.CreateTempSubdirectory("rankdistill-serve-").FullName;
        try
        {
            var (exit, output, error) = await CliRun.InvokeAsync("serve", "--data", data, "--urls", $"http://0.0.0.0:{FreePort.Next()}");

            Assert.Equal(ExitCodes.InvalidConfiguration, exit);
            Assert.Contains("Dashboard:ApiKey is required when the dashboard listens on a non-loopback address", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Dashboard:", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task KestrelEndpointsBeyondLoopback_WithoutKey_RefusesToRun()
    {
        // Kestrel's own endpoint settings win over the dashboard's URLs: only the addresses bound tell the truth.
        var port = FreePort.Next();

        var error = await Assert.ThrowsAsync<InvalidSettingsException>(() =>
            DashboardTestHost.StartAsync(new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = $"http://0.0.0.0:{port}" }));

        Assert.Contains("Dashboard:ApiKey is required", error.Message, StringComparison.Ordinal);
        Assert.Contains($"0.0.0.0:{port}", error.Message, StringComparison.Ordinal);
        // Nothing is left listening on the port.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("api/instances", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task KestrelEndpointsBeyondLoopback_WithKey_RemoteRequestNeedsIt()
    {
        var (started, port) = await StartOnKestrelEndpointAsync();
        await using var host = started;
        using var http = new HttpClient { BaseAddress = new Uri($"http://{NonLoopbackAddress()}:{port}/") };

        using var missing = await http.GetAsync("api/instances", TestContext.Current.CancellationToken);
        using var keyed = await SendAsync(http, HttpMethod.Get, "api/instances", ("X-Api-Key", ApiKey));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    /// <summary>
    /// A keyed host on <c>Kestrel:Endpoints</c> at a free port of 0.0.0.0, on another port when another process took
    /// that one before Kestrel bound it (the test host's own retry cannot: this setting overrides its URLs).
    /// </summary>
    private static async Task<(DashboardTestHost Host, int Port)> StartOnKestrelEndpointAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Http:Url"] = $"http://0.0.0.0:{port}", ["Dashboard:ApiKey"] = ApiKey };
            try
            {
                return (await DashboardTestHost.StartAsync(settings), port);
            }
            catch (IOException e) when (attempt < 3 && e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
            }
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://dashboard.example:5080", false)]
    public void Options_Urls_LoopbackOnlyNeedsNoKey(string url, bool loopback)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection().Build();

        var read = Record.Exception(() => DashboardOptions.Read(configuration, [url]));

        if (loopback)
            Assert.Null(read);
        else
            Assert.Contains("Dashboard:ApiKey is required", Assert.IsType<InvalidSettingsException>(read).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ShortKey_RefusedWithoutShowingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dashboard:ApiKey"] = "short-key" }).Build();

        var error = Assert.Throws<InvalidSettingsException>(() => DashboardOptions.Read(configuration, ["http://0.0.0.0:5080"]));

        Assert.Contains("Dashboard:ApiKey = '***'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at least {DashboardOptions.MinApiKeyLength} characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackHost_RequestNamingAnotherHost_400()
    {
        // DNS rebinding: a page on evil.example resolving its name to 127.0.0.1 would send Host: evil.example.
        await using var host = await DashboardTestHost.StartAsync();

        using var foreign = await SendAsync(host.Http, HttpMethod.Get, "api/instances", ("Host", "evil.example"));
        using var local = await SendAsync(host.Http, HttpMethod.Get, "api/instances", ("Host", $"localhost:{host.BaseAddress.Port}"));

        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task Get_OnEveryActionPath_NeverPerformsIt()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await host.StartPipelineAsync("drop-get", holdForEvent: "approve");
        await host.WaitUntilHeldAsync(id);

        foreach (var action in new[] { "terminate", "suspend", "resume", "rewind", "purge", "events/approve" })
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
            {
                using var plain = await SendAsync(host.Http, method, $"api/instances/{id}/{action}");
                using var overridden = await SendAsync(host.Http, method, $"api/instances/{id}/{action}", ("X-HTTP-Method-Override", "POST"));
                Assert.Equal(HttpStatusCode.MethodNotAllowed, plain.StatusCode);
                Assert.Equal(HttpStatusCode.MethodNotAllowed, overridden.StatusCode);
            }
        }

        AssertUntouched(await host.SettledHistoryAsync(id));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id, TestContext.Current.CancellationToken))!.RuntimeStatus);
    }

    [Fact]
    public async Task Post_WithoutValidAntiforgeryToken_400AndNothingHappens()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var id = await host.StartPipelineAsync("drop-csrf", holdForEvent: "approve");
        await host.WaitUntilHeldAsync(id);
        var token = await host.GetAsync<Workflows.Dashboard.Api.AntiforgeryToken>("api/antiforgery");

        // No token at all (a cross-site form post), and a token without its cookie (stolen token, other browser).
        using var bare = await SendAsync(host.NewHttpClient(), HttpMethod.Post, $"api/instances/{id}/terminate");
        using var noCookie = await SendAsync(host.NewHttpClient(), HttpMethod.Post, $"api/instances/{id}/terminate", (token.HeaderName, token.Token));
        using var form = await host.NewHttpClient().PostAsync($"api/instances/{id}/terminate",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "csrf" }), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noCookie.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        AssertUntouched(await host.SettledHistoryAsync(id));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id, TestContext.Current.CancellationToken))!.RuntimeStatus);
    }

    [Fact]
    public async Task Responses_NeverContainTheConfiguredSecrets()
    {
        const string AccountKey = "c2VjcmV0LWFjY291bnQta2V5LWZvci10ZXN0cy1vbmx5LTAwMDAwMDAwMDAwMA==";
        const string Password = "pg-Passw0rd-7731";
        var storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
        var settings = new Dictionary<string, string?>
        {
            // Configured but unused by the local store and SQLite hub: they are here to leak, and must not.
            ["Storage:ConnectionString"] = storage,
            ["TaskHub:ConnectionString"] = $"Host=db.internal;Database=rankdistill;Username=rd;Password={Password}",
            ["Dashboard:ApiKey"] = ApiKey,
        };
        await using var host = await DashboardTestHost.StartAsync(settings);
        host.Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var marker = Path.Combine(host.DataRoot, "fail-evaluation");
        await File.WriteAllTextAsync(marker, "", TestContext.Current.CancellationToken);
        // The secrets travel in the input and come back in a failure message, as a careless exception would carry them.
        var id = await host.StartPipelineAsync("drop-secret", failMarker: marker, note: $"store {storage} db password {Password}");
        var failed = await host.WaitForEndAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains(Password, failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);

        var bodies = new List<string>();
        foreach (var path in new[]
        {
            "", "js/app.js", "js/api.js", "js/instance.js", "api/instances", $"api/instances/{id}", $"api/instances/{id}/history",
            $"api/instances/{id}/timeline", "api/runs/run-drop-secret/loss/cpt", "api/antiforgery",
        })
        {
            using var response = await host.Http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"GET /{path}: {(int)response.StatusCode}");
            bodies.Add(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) + response.Headers);
        }

        foreach (var secret in new[] { AccountKey, Password, ApiKey, storage })
            Assert.All(bodies, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        // Scrubbed, not dropped: the failure still says what went wrong, with the secret parts masked.
        Assert.Contains("(store *** db password ***)", bodies[5], StringComparison.Ordinal);
        Assert.Contains("evaluation set of run run-drop-secret is empty", bodies[5], StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_AccountKeyInAnEventPayload_NeverShownInAnyEscaping()
    {
        // A base64 key with '+': System.Text.Json writes it as \u002B inside the event's nested JSON payload.
        const string AccountKey = "QUJDREVGR0hJSktMTU5PUFFS+U1RVVldYWVphYmNkZWZnaGlq+a2xtbm9wcXJzdHV2d3h5ejAx==";
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
        };
        await using var host = await DashboardTestHost.StartAsync(settings);
        var id = await host.StartPipelineAsync("drop-escaped", holdForEvent: "approve");
        await host.WaitUntilHeldAsync(id);
        await host.Client.RaiseEventAsync(id, "rotated", new { key = AccountKey, note = $"new key {AccountKey}" }, TestContext.Current.CancellationToken);
        Assert.Contains(await host.SettledHistoryAsync(id), e => e is EventRaisedEvent { Name: "rotated" } r && r.Input!.Contains("\\u002B", StringComparison.Ordinal));

        var body = await host.Http.GetStringAsync($"api/instances/{id}/history", TestContext.Current.CancellationToken);

        // Every run of the key between the characters JSON may escape: no escaping of it can show through.
        Assert.All(AccountKey.Split(['+', '='], StringSplitOptions.RemoveEmptyEntries), part => Assert.DoesNotContain(part, body, StringComparison.Ordinal));
        Assert.Contains("rotated", body, StringComparison.Ordinal);
        await host.Client.TerminateInstanceAsync(id, "test done", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Post_RefusedByAntiforgery_LoggedWithPathAndAddress()
    {
        await using var host = await DashboardTestHost.StartAsync();

        using var response = await SendAsync(host.NewHttpClient(), HttpMethod.Post, "api/instances/no-such-instance/terminate");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(host.Logs.Messages, m => m.Contains("refused POST /api/instances/no-such-instance/terminate from 127.0.0.1", StringComparison.Ordinal)
            && m.Contains("anti-forgery", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Action_IdWithLineBreaks_LoggedEscapedOnOneLine()
    {
        await using var host = await DashboardTestHost.StartAsync();
        // A forged audit line riding in the id.
        const string Id = "x\r\nDashboard action purge on instance victim from 10.0.0.1: Purged";

        using var response = await DashboardTestHost.PostActionAsync(host.Http, $"api/instances/{Uri.EscapeDataString(Id)}/purge");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(host.Logs.Messages, m => m.Contains(@"on instance x\r\nDashboard action purge on instance victim", StringComparison.Ordinal));
        Assert.All(host.Logs.Messages, m => Assert.DoesNotContain(m, c => c is '\r' or '\n'));
    }

    [Fact]
    public async Task Responses_ApiNotStoredAndNoResourceSharedCrossOrigin()
    {
        await using var host = await DashboardTestHost.StartAsync();

        using var api = await host.Http.GetAsync("api/instances", TestContext.Current.CancellationToken);
        using var problem = await host.Http.GetAsync("api/instances/no-such-instance", TestContext.Current.CancellationToken);
        using var script = await host.Http.GetAsync("js/app.js", TestContext.Current.CancellationToken);

        Assert.All([api, problem], r => Assert.Contains("no-store", r.Headers.CacheControl?.ToString(), StringComparison.Ordinal));
        Assert.All([api, problem, script], r => Assert.Equal("same-origin", r.Headers.GetValues("Cross-Origin-Resource-Policy").Single()));
    }

    /// <summary>No control message reached the held instance: it was not terminated, suspended, resumed or sent its event.</summary>
    private static void AssertUntouched(IList<HistoryEvent> history) =>
        Assert.DoesNotContain(history, e => e is ExecutionTerminatedEvent or ExecutionSuspendedEvent or ExecutionResumedEvent or ExecutionRewoundEvent
            or EventRaisedEvent { Name: "approve" });

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            if (name == "Host")
                request.Headers.Host = value;
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// An IPv4 address of this machine that is not loopback, the source of a request that is not local. A machine without
    /// one (a bare sandbox) cannot make such a request: the test is skipped there, saying so, rather than passing on
    /// loopback.
    /// </summary>
    private static string NonLoopbackAddress()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.SkipWhen(address is null, "this machine has no IPv4 address besides loopback, so no request can come from elsewhere");
        return address!.ToString();
    }
}
