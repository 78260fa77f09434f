using System.CommandLine;
using RankDistill.TaskHub;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// The options <c>status</c>, <c>terminate</c> and <c>rewind</c> share: <c>--host URL</c> works through that
/// dashboard's JSON API (with <c>--api-key</c>, else the setting <c>Dashboard:ApiKey</c>, e.g. the environment variable
/// <c>Dashboard__ApiKey</c>); without it they work on the local task hub of the settings (<c>--data DIR</c>).
/// </summary>
internal sealed class ControlOptions
{
    public Option<string?> Host { get; } = new("--host")
    {
        Description = "A dashboard to work through (its JSON API), e.g. http://gpu-box:5080; default: the local task hub of the settings.",
        HelpName = "URL",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "The remote dashboard's API key; default: the setting Dashboard:ApiKey (environment variable Dashboard__ApiKey).",
        HelpName = "KEY",
    };

    public Option<string?> Data { get; } = DataOption.Create();

    public void AddTo(Command command)
    {
        command.Options.Add(Host);
        command.Options.Add(ApiKey);
        command.Options.Add(Data);
    }

    /// <summary>Runs <paramref name="action"/> with the control <c>--host</c> chooses, after the settings are validated.</summary>
    public Task<int> RunAsync(ParseResult parseResult, Func<IPipelineControl, HostContext, CancellationToken, Task<int>> action, CancellationToken cancellationToken) =>
        HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, Data), async (host, ct) =>
        {
            if (Open(parseResult, host) is not { } control)
                return ExitCodes.Failure;
            using (control)
            {
                try
                {
                    return await action(control, host, ct);
                }
                catch (DashboardApiException e)
                {
                    await host.Error.WriteLineAsync(e.Message);
                    return ExitCodes.Failure;
                }
            }
        }, cancellationToken);

    private IPipelineControl? Open(ParseResult parseResult, HostContext host)
    {
        if (parseResult.GetValue(Host) is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                host.Error.WriteLine($"--host '{text}' is not an http(s) URL like http://127.0.0.1:5080");
                return null;
            }
            return new DashboardApiClient(url, parseResult.GetValue(ApiKey) ?? host.Configuration["Dashboard:ApiKey"]);
        }
        var hub = host.Settings.TaskHub;
        if (hub.Kind == TaskHubKind.Sqlite && !File.Exists(hub.SqlitePath))
        {
            host.Error.WriteLine($"No task hub at {hub.SqlitePath}: nothing has run with Data:Root = {host.Settings.Data.Root}. "
                + "Pass --data DIR (the folder demo or serve used), or --host URL to ask a running dashboard.");
            return null;
        }
        var services = new ServiceCollection().AddHostSettings(host.Settings).AddArtifactStore();
        services.AddPipelineTaskHub(hub);
        services.AddDashboardQueries(host.Configuration);
        var provider = services.BuildServiceProvider();
        return new LocalPipelineControl(provider, provider.GetRequiredService<TaskHubs>().Description);
    }
}
