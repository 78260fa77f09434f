using System.CommandLine;

namespace RankDistill.Workflows.Cli;

/// <summary><c>terminate &lt;id&gt; [--reason]</c>: stops a pending, running or suspended instance; its running steps are cancelled.</summary>
internal sealed class TerminateCommand : IHostCommand
{
    public Command Create() => InstanceActionCommand.Create("terminate", "Stop a running pipeline instance (its running steps are cancelled).",
        (pipelines, id, reason, ct) => pipelines.TerminateAsync(id, reason, ct));
}
