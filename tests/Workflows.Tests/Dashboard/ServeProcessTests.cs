using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary><c>serve</c> as a user starts it: a child process on a data folder, showing that folder's pipelines.</summary>
public sealed class ServeProcessTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("rankdistill-serve-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // The killed process's SQLite files may linger a moment; the folder is in /tmp either way.
        }
    }

    [Fact]
    public async Task Serve_DataFolder_ShowsItsPipelinesAtThePrintedUrl()
    {
        // A pipeline scheduled in the folder the way demo/submit would, to start far in the future so that
        // serve's worker leaves it alone (serve does not know the test's orchestration).
        var id = await ScheduleInFolderAsync("pipeline-drop-serve");
        // Port 0: the OS picks a free one as serve binds it (a port found free beforehand can be taken by then).
        using var serve = Start("serve", "--data", _data, "--urls", "http://127.0.0.1:0");
        try
        {
            var lines = await ReadUntilReadyAsync(serve);
            var url = Assert.Single(lines, l => l.StartsWith("Dashboard: ", StringComparison.Ordinal))["Dashboard: ".Length..];
            Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*/$", url);
            Assert.DoesNotContain(lines, l => l.StartsWith("Created a new, empty task hub", StringComparison.Ordinal));
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var list = await http.GetFromJsonAsync<InstanceList>("api/instances", DashboardJson.Options, TestContext.Current.CancellationToken);
            var page = await http.GetStringAsync("", TestContext.Current.CancellationToken);

            var item = Assert.Single(list!.Instances);
            Assert.Equal((id, OrchestrationRuntimeStatus.Pending, "drop-serve"), (item.InstanceId, item.Status, item.DropId));
            Assert.Contains("<script type=\"module\" src=\"/js/app.js\"></script>", page, StringComparison.Ordinal);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Serve_FolderWithNoTaskHub_SaysItCreatedAnEmptyOne()
    {
        var empty = Path.Combine(_data, "typo");

        using var serve = Start("serve", "--data", empty, "--urls", "http://127.0.0.1:0");
        try
        {
            var lines = await ReadUntilReadyAsync(serve);

            var hub = Path.Combine(empty, "taskhub.db");
            Assert.Contains($"Created a new, empty task hub at {hub}: nothing had run with Data:Root = {empty}. Pass --data DIR for the folder demo or another serve used.", lines);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync(CancellationToken.None);
        }
    }

    private async Task<string> ScheduleInFolderAsync(string instanceId)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Root"] = _data }).Build();
        var services = new ServiceCollection();
        services.AddPipelineTaskHub(HostSettings.Load(configuration, _data).TaskHub);
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<DurableTaskClient>().ScheduleNewOrchestrationInstanceAsync(
            MimicPipeline.Name, MimicPipeline.NewInput("drop-serve"),
            new StartOrchestrationOptions { InstanceId = instanceId, StartAt = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken);
    }

    private Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RankDistill.Workflows.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(n => new[] { "Data__", "Storage__", "TaskHub__", "Torch__", "Dashboard__", "ASPNETCORE_" }
            .Any(p => n.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }
        return Process.Start(start)!;
    }

    /// <summary>What serve prints up to its "Press Ctrl+C to stop." line, printed once it listens.</summary>
    private static async Task<IReadOnlyList<string>> ReadUntilReadyAsync(Process serve)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var error = serve.StandardError.ReadToEndAsync(deadline.Token);
        var lines = new List<string>();
        while (await serve.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            lines.Add(line);
            if (line == "Press Ctrl+C to stop.")
                return lines;
        }
        throw new InvalidOperationException($"serve exited ({serve.ExitCode}) before it was ready: {string.Join(Environment.NewLine, lines)} {await error}");
    }
}
