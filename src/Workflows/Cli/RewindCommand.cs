using System.CommandLine;

namespace RankDistill.Workflows.Cli;

/// <summary><c>rewind &lt;id&gt; [--reason]</c>: runs a failed instance's failed steps again, keeping the completed ones (deploy the fix first).</summary>
internal sealed class RewindCommand : IHostCommand
{
    public Command Create() => InstanceActionCommand.Create("rewind", "Re-run a failed pipeline instance from its failed step; completed steps are kept.",
        (pipelines, id, reason, ct) => pipelines.RewindAsync(id, reason, ct));
}
