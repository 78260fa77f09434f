using System.CommandLine;

namespace RankDistill.Workflows.Cli;

/// <summary>The host's command line: a root command with every <see cref="IHostCommand"/> of this assembly under it.</summary>
internal static class HostCommandLine
{
    private const string Description = """
        RankDistill: distils an LLM ranker into a BERT cross-encoder as a durable workflow.

        Settings, lowest precedence first: appsettings.json (next to the executable), local.settings.json (working
        directory, Azure Functions' shape), environment variables (Storage__Kind=Blob), then the command line after a
        command (--Storage:Kind=Blob). Exit codes: 0 success, 1 failure or bad command line, 2 invalid configuration.
        """;

    public static RootCommand Create()
    {
        var root = new RootCommand(Description);
        foreach (var command in Commands())
        {
            // Tokens no option claims are settings (--Section:Key=value); HostStartup checks them.
            command.TreatUnmatchedTokensAsErrors = false;
            root.Subcommands.Add(command);
        }
        return root;
    }

    private static IEnumerable<Command> Commands() =>
        typeof(HostCommandLine).Assembly.GetTypes()
            .Where(t => typeof(IHostCommand).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
            .Select(t => ((IHostCommand)Activator.CreateInstance(t)!).Create())
            .OrderBy(c => c.Name, StringComparer.Ordinal);
}
