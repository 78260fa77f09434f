using System.CommandLine;
using System.Globalization;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>serve</c>: the long-running host: the configured task hub, a worker on <c>--queues</c>, the click-log watcher,
/// and the dashboard on <c>--urls</c> (loopback by default; any other address needs <c>Dashboard:ApiKey</c>). Runs until
/// Ctrl+C or SIGTERM, finishing what the worker holds in hand.
/// </summary>
internal sealed class ServeCommand : IHostCommand
{
    public Command Create()
    {
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where the dashboard listens (several separated by ';'); default: the setting Dashboard:Urls, else {DashboardOptions.DefaultUrl}. "
                + "A non-loopback address requires Dashboard:ApiKey.",
            HelpName = "URLS",
        };
        var queues = new Option<string?>("--queues")
        {
            Description = "Activity queues this host's worker serves, as name[=concurrency],... e.g. default,gpu=1; default: default with one activity per processor.",
            HelpName = "QUEUES",
        };
        var data = DataOption.Create();
        var command = new Command("serve", "Run the worker, the click-log watcher and the dashboard until stopped.") { urls, queues, data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data),
            (host, ct) => ServeAsync(host, SplitUrls(parseResult.GetValue(urls)), parseResult.GetValue(queues), ct), cancellationToken));
        return command;
    }

    private static async Task<int> ServeAsync(HostContext host, IReadOnlyList<string> urls, string? queueText, CancellationToken cancellationToken)
    {
        if (!TryParseQueues(queueText, out var queues, out var problem))
        {
            await host.Error.WriteLineAsync(problem);
            return ExitCodes.Failure;
        }
        DashboardOptions dashboard;
        try
        {
            dashboard = DashboardOptions.Read(host.Configuration, urls);
        }
        catch (InvalidSettingsException e)
        {
            await host.Error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidConfiguration;
        }
        // A mistyped --data would otherwise show an empty dashboard as if nothing had ever run.
        var hub = host.Settings.TaskHub;
        var newHub = hub.Kind == TaskHubKind.Sqlite && !File.Exists(hub.SqlitePath);
        var builder = DashboardWebHost.CreateBuilder(host.Configuration, host.Settings, dashboard, queues);
        AddClickLogWatcher(builder.Services, host);
        await using var app = builder.Build();
        app.MapDashboard();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (InvalidSettingsException e)
        {
            // Bound beyond loopback without a key (a Kestrel:Endpoints setting): refused once the addresses are known.
            await app.StopAsync(CancellationToken.None);
            await host.Error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidConfiguration;
        }
        foreach (var url in app.Urls)
            await host.Output.WriteLineAsync($"Dashboard: {url}/");
        await host.Output.WriteLineAsync($"Task hub: {app.Services.GetRequiredService<TaskHubs>().Description}; worker queues: {string.Join(", ", queues.Select(q => $"{q.Key} x{q.Value}"))}");
        if (newHub)
        {
            await host.Output.WriteLineAsync($"Created a new, empty task hub at {hub.SqlitePath}: nothing had run with Data:Root = {host.Settings.Data.Root}. "
                + "Pass --data DIR for the folder demo or another serve used.");
        }
        await host.Output.WriteLineAsync(dashboard.RequiresApiKey ? "The dashboard requires its API key (Dashboard:ApiKey)." : "The dashboard is open to local users only (loopback).");
        await host.Output.WriteLineAsync("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }

    /// <summary>The click-log watcher: a drop arriving while <c>serve</c> runs starts its pipeline.</summary>
    private static void AddClickLogWatcher(IServiceCollection services, HostContext host) =>
        services.AddClickLogWatcher(host.Settings.Pipeline);

    private static string[] SplitUrls(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>Parses <c>default,gpu=1</c>; a queue without a number runs one activity per processor.</summary>
    internal static bool TryParseQueues(string? text, out Dictionary<string, int> queues, out string problem)
    {
        queues = new Dictionary<string, int>(StringComparer.Ordinal);
        problem = "";
        foreach (var part in (string.IsNullOrWhiteSpace(text) ? "default" : text).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (name, count) = part.Split('=', 2) is [var n, var c] ? (n.Trim(), c.Trim()) : (part, null);
            var concurrency = Environment.ProcessorCount;
            if (!TaskQueues.All.Contains(name) || (count is not null && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) || concurrency is < 1 or > 256)))
            {
                problem = $"--queues '{text}': '{part}' is not queue or queue=concurrency (1-256) with queue {string.Join(" or ", TaskQueues.All)}, e.g. default,gpu=1";
                return false;
            }
            queues[name] = concurrency;
        }
        return true;
    }
}
