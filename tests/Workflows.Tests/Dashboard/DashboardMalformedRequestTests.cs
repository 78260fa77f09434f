using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>Malformed requests get 400 (or 413) with a reason as ProblemDetails, never a bare 500; bodies are limited while read.</summary>
public sealed class DashboardMalformedRequestTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private readonly DashboardTestHost _host = fixture.Host;

    [Fact]
    public async Task Instances_BadContinuationToken_400SayingSo()
    {
        using var response = await _host.Http.GetAsync("api/instances?continuationToken=not-a-token", TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "continuationToken");
    }

    [Fact]
    public async Task RaiseEvent_BlankName_400SayingSo()
    {
        using var response = await DashboardTestHost.PostActionAsync(_host.Http, $"api/instances/{fixture.CompletedId}/events/%20");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "event name");
    }

    [Fact]
    public async Task Action_MalformedMultipart_400SayingSo()
    {
        var content = new ByteArrayContent("--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xx");

        using var response = await _host.NewHttpClient().PostAsync("api/instances/no-such-instance/purge", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "form");
    }

    [Fact]
    public async Task Action_LargeFormWithoutToken_400SayingSo()
    {
        // More fields than the form reader allows: reading it for a token would fail.
        var fields = string.Join('&', Enumerable.Range(0, 2000).Select(i => $"f{i}=v"));
        using var content = new StringContent(fields, Encoding.ASCII, "application/x-www-form-urlencoded");

        using var response = await _host.NewHttpClient().PostAsync("api/instances/no-such-instance/purge", content, TestContext.Current.CancellationToken);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "form");
    }

    [Fact]
    public async Task Action_ChunkedBodyOverTheLimit_413BeforeTheBodyEnds()
    {
        // 1 MiB of a JSON string, in 64 KiB chunks, and then the body never ends: only a limit enforced while reading answers.
        using var body = new MemoryStream();
        body.Write("1\r\n\"\r\n"u8);
        var chunk = Encoding.ASCII.GetBytes($"{64 * 1024:x}\r\n" + new string('a', 64 * 1024) + "\r\n");
        for (var i = 0; i < 16; i++)
            body.Write(chunk);

        var reply = await PostChunkedAsync($"/api/instances/{fixture.CompletedId}/events/approve", body.ToArray());

        Assert.StartsWith("HTTP/1.1 413", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_MalformedChunkedBody_400SayingSo()
    {
        var reply = await PostChunkedAsync($"/api/instances/{fixture.CompletedId}/events/approve", "zz\r\n{}\r\n0\r\n\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 400", reply, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", reply, StringComparison.Ordinal);
        Assert.Contains("could not be read", reply, StringComparison.Ordinal);
    }

    /// <summary>
    /// Sends a chunked POST with a valid anti-forgery token over a raw socket (HttpClient would fix the framing) and returns
    /// the whole response, read without closing the request.
    /// </summary>
    private async Task<string> PostChunkedAsync(string path, byte[] chunkedBody)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies }) { BaseAddress = _host.BaseAddress };
        var token = (await http.GetFromJsonAsync<AntiforgeryToken>("api/antiforgery", DashboardJson.Options, TestContext.Current.CancellationToken))!;
        var cookie = string.Join("; ", cookies.GetCookies(_host.BaseAddress).Select(c => $"{c.Name}={c.Value}"));
        using var client = new TcpClient();
        await client.ConnectAsync(_host.BaseAddress.Host, _host.BaseAddress.Port, TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {_host.BaseAddress.Authority}\r\nContent-Type: application/json\r\n"
            + $"Transfer-Encoding: chunked\r\n{token.HeaderName}: {token.Token}\r\nCookie: {cookie}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
        await stream.WriteAsync(chunkedBody, TestContext.Current.CancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var reply = new StringBuilder();
        var buffer = new byte[4096];
        while (!IsComplete(reply.ToString()))
        {
            var read = await stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
                break;
            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return reply.ToString();
    }

    // A whole HTTP/1.1 response: headers, then a body of Content-Length bytes or chunks up to the last one.
    private static bool IsComplete(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
            return false;
        var headers = response[..end];
        if (Regex.Match(headers, @"Content-Length: (\d+)", RegexOptions.IgnoreCase) is { Success: true } length)
            return response.Length - end - 4 >= int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
        return !headers.Contains("chunked", StringComparison.OrdinalIgnoreCase) || response.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string mentions)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains(mentions, problem.RootElement.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
