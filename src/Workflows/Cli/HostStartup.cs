using System.CommandLine;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// The start of every command that needs settings: builds the configuration (files, environment, the settings left on
/// the command line), validates every setting, and runs the command only if all are valid. Otherwise it writes each
/// bad setting to stderr and returns <see cref="ExitCodes.InvalidConfiguration"/>.
/// </summary>
internal static class HostStartup
{
    public static async Task<int> RunAsync(
        ParseResult parseResult, Func<HostContext, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!CommandLineSettings.TryParse(parseResult.UnmatchedTokens, out var settingArgs, out var problem))
        {
            await error.WriteLineAsync(problem);
            return ExitCodes.Failure;
        }
        IConfigurationRoot configuration;
        HostSettings settings;
        try
        {
            configuration = HostConfiguration.Build(settingArgs);
            settings = HostSettings.Load(configuration);
        }
        catch (InvalidSettingsException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.InvalidConfiguration;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // A settings file that cannot be read at all; the configuration library wraps the reason.
            var reason = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            await error.WriteLineAsync($"Invalid configuration:{Environment.NewLine}  {reason}");
            return ExitCodes.InvalidConfiguration;
        }
        return await command(new HostContext(configuration, settings, output, error), cancellationToken);
    }
}
