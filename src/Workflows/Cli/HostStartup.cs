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
    public static Task<int> RunAsync(
        ParseResult parseResult, Func<HostContext, CancellationToken, Task<int>> command, CancellationToken cancellationToken) =>
        RunAsync(parseResult, [], command, cancellationToken);

    /// <param name="parseResult">The parsed command line; its unmatched tokens are settings.</param>
    /// <param name="optionSettings">Settings that the command's own options stand for (e.g. <c>--data</c>), in the form
    /// <c>--Section:Key=value</c>; settings given explicitly on the command line override them.</param>
    /// <param name="command">The command, run once every setting is valid.</param>
    /// <param name="cancellationToken">Cancelled on Ctrl+C.</param>
    public static async Task<int> RunAsync(
        ParseResult parseResult, IReadOnlyList<string> optionSettings, Func<HostContext, CancellationToken, Task<int>> command,
        CancellationToken cancellationToken)
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
            configuration = HostConfiguration.Build([.. optionSettings, .. settingArgs]);
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
