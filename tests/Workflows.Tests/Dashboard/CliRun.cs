using System.CommandLine;
using RankDistill.Workflows.Cli;

namespace RankDistill.Workflows.Tests.Dashboard;

/// <summary>Runs the host's command line in this process, as <c>Program</c> does, capturing its output.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HostCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
