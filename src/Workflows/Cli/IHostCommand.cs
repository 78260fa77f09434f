using System.CommandLine;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// One sub-command of the host. Adding a command is adding a class that implements this in this folder;
/// <see cref="HostCommandLine"/> finds it. Commands that need settings run through <see cref="HostStartup.RunAsync(System.CommandLine.ParseResult, Func{HostContext, CancellationToken, Task{int}}, CancellationToken)"/>.
/// </summary>
internal interface IHostCommand
{
    Command Create();
}
