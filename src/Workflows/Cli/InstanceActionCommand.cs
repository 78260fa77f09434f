using System.CommandLine;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// What <c>terminate</c> and <c>rewind</c> share: an instance id, <c>--reason</c>, the control options, and the
/// answers: the result's message (exit 0), or why it was refused (exit 1: unknown id, or a status that does not allow it).
/// </summary>
internal static class InstanceActionCommand
{
    public static Command Create(string name, string description, Func<IPipelineControl, string, string?, CancellationToken, Task<ActionResult>> act)
    {
        var id = new Argument<string>("id") { Description = "The instance id." };
        var reason = new Option<string?>("--reason") { Description = "Why; kept in the instance's history." };
        var control = new ControlOptions();
        var command = new Command(name, description) { id, reason };
        control.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => control.RunAsync(parseResult, async (pipelines, host, ct) =>
        {
            var instanceId = parseResult.GetValue(id)!;
            try
            {
                var result = await act(pipelines, instanceId, parseResult.GetValue(reason), ct);
                await host.Output.WriteLineAsync(Printable.Escape($"{result.InstanceId}: {result.Message}"));
                return ExitCodes.Success;
            }
            catch (InstanceNotFoundException)
            {
                await host.Error.WriteLineAsync($"No orchestration instance has id '{instanceId}' in {pipelines.Location}.");
            }
            catch (InvalidOperationException e)
            {
                // In remote mode the message is the dashboard's: printed escaped like any text from outside.
                await host.Error.WriteLineAsync(Printable.Escape(e.Message));
            }
            return ExitCodes.Failure;
        }, cancellationToken));
        return command;
    }
}
