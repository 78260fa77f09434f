using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// A client of a dashboard's JSON API (<c>status --host URL</c> and friends): sends the API key when given, and
/// fetches an anti-forgery token (with its cookie) before each action, as the page does.
/// </summary>
public sealed class DashboardApiClient : IPipelineControl
{
    private readonly HttpClient _http;

    /// <param name="baseAddress">The dashboard, e.g. <c>http://gpu-box:5080</c>.</param>
    /// <param name="apiKey">Its <c>Dashboard:ApiKey</c>, when it requires one.</param>
    public DashboardApiClient(Uri baseAddress, string? apiKey)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        // The cookie container carries the anti-forgery cookie from the token request to the action.
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (!string.IsNullOrEmpty(apiKey))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        Location = baseAddress.ToString();
    }

    public string Location { get; }

    public async Task<InstanceList> ListAsync(InstanceListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<string>();
        if (query.Statuses.Count > 0)
            parameters.Add("status=" + string.Join(',', query.Statuses));
        Add(parameters, "name", query.Name);
        Add(parameters, "prefix", query.Prefix);
        Add(parameters, "createdFrom", query.CreatedFrom?.ToString("O", CultureInfo.InvariantCulture));
        Add(parameters, "createdTo", query.CreatedTo?.ToString("O", CultureInfo.InvariantCulture));
        Add(parameters, "pageSize", query.PageSize.ToString(CultureInfo.InvariantCulture));
        Add(parameters, "continuationToken", query.ContinuationToken);
        Add(parameters, "includeSubOrchestrations", query.IncludeSubOrchestrations ? "true" : "false");
        return (await GetAsync<InstanceList>("api/instances?" + string.Join('&', parameters), cancellationToken))!;
    }

    public Task<InstanceDetail?> GetAsync(string instanceId, CancellationToken cancellationToken) =>
        GetAsync<InstanceDetail>($"api/instances/{Uri.EscapeDataString(instanceId)}", cancellationToken);

    public Task<Timeline?> GetTimelineAsync(string instanceId, CancellationToken cancellationToken) =>
        GetAsync<Timeline>($"api/instances/{Uri.EscapeDataString(instanceId)}/timeline", cancellationToken);

    public Task<IReadOnlyList<HistoryEntry>?> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<HistoryEntry>>($"api/instances/{Uri.EscapeDataString(instanceId)}/history", cancellationToken);

    public Task<ActionResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        PostAsync(instanceId, InstanceActions.Terminate, new ActionRequest(reason), cancellationToken);

    public Task<ActionResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        PostAsync(instanceId, InstanceActions.Rewind, new ActionRequest(reason), cancellationToken);

    public Task<ActionResult> SuspendAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        PostAsync(instanceId, InstanceActions.Suspend, new ActionRequest(reason), cancellationToken);

    public Task<ActionResult> ResumeAsync(string instanceId, string? reason, CancellationToken cancellationToken) =>
        PostAsync(instanceId, InstanceActions.Resume, new ActionRequest(reason), cancellationToken);

    public Task<ActionResult> PurgeAsync(string instanceId, CancellationToken cancellationToken) =>
        PostAsync(instanceId, InstanceActions.Purge, null, cancellationToken);

    public void Dispose() => _http.Dispose();

    /// <returns>Null on 404.</returns>
    private async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return default;
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options, cancellationToken);
    }

    private async Task<ActionResult> PostAsync(string instanceId, string action, ActionRequest? body, CancellationToken cancellationToken)
    {
        var token = await GetAsync<AntiforgeryToken>("api/antiforgery", cancellationToken)
            ?? throw new DashboardApiException($"{Location} has no api/antiforgery endpoint; is it a RankDistill dashboard?");
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/instances/{Uri.EscapeDataString(instanceId)}/{action}")
        {
            Content = body is null ? null : JsonContent.Create(body, options: DashboardJson.Options),
        };
        request.Headers.Add(token.HeaderName, token.Token);
        using var response = await SendAsync(request, cancellationToken);
        var problem = response.IsSuccessStatusCode ? null : await ProblemAsync(response, cancellationToken);
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                throw new InstanceNotFoundException(problem ?? $"No orchestration instance has id '{instanceId}'.");
            case HttpStatusCode.Conflict:
                throw new InvalidOperationException(problem);
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<ActionResult>(DashboardJson.Options, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new DashboardApiException($"Cannot reach the dashboard at {Location}: {e.Message}", e);
            }
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var problem = await ProblemAsync(response, cancellationToken);
        var hint = response.StatusCode == HttpStatusCode.Unauthorized
            ? " It needs its API key: pass --api-key KEY or set the environment variable Dashboard__ApiKey."
            : "";
        throw new DashboardApiException(response.StatusCode,
            $"The dashboard at {Location} answered {(int)response.StatusCode} {response.ReasonPhrase}{(problem is null ? "." : $": {problem}")}{hint}");
    }

    // The detail (or title) of an RFC 7807 problem body, when there is one.
    private static async Task<string?> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = document.RootElement;
            return root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()
                : root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void Add(List<string> parameters, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
            parameters.Add($"{name}={Uri.EscapeDataString(value)}");
    }
}
