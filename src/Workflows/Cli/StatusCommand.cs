using System.CommandLine;
using Microsoft.DurableTask.Client;
using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>status [id]</c>: without an id, a table of instances (in the task hub's order, filters as options); with one, its
/// steps (what each open one waits on) and failure. Local task hub by default, a dashboard with <c>--host URL</c>. Exit 1 for an unknown id.
/// </summary>
internal sealed class StatusCommand : IHostCommand
{
    public Command Create()
    {
        var id = new Argument<string?>("id") { Description = "An instance id; omit it to list instances.", Arity = ArgumentArity.ZeroOrOne };
        var statuses = new Option<OrchestrationRuntimeStatus[]>("--status")
        {
            Description = "List only these statuses (repeatable): Pending, Running, Suspended, Completed, Failed, Terminated.",
            AllowMultipleArgumentsPerToken = true,
        };
        var prefix = new Option<string?>("--prefix") { Description = "List only ids starting with this, e.g. pipeline-." };
        var all = new Option<bool>("--all") { Description = "Include sub-orchestrations (teacher labelling) in the list." };
        var top = new Option<int>("--top") { Description = "Most instances listed (1-1000).", DefaultValueFactory = _ => 50 };
        var continuation = new Option<string?>("--continue") { Description = "The token printed under a full page, for the next one.", HelpName = "TOKEN" };
        var control = new ControlOptions();
        var command = new Command("status", "List pipeline instances, or show one: steps, what they wait on, failure.") { id, statuses, prefix, all, top, continuation };
        control.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => control.RunAsync(parseResult, async (pipelines, host, ct) =>
        {
            if (parseResult.GetValue(id) is { } instanceId)
            {
                if (await pipelines.GetAsync(instanceId, ct) is not { } detail)
                {
                    await host.Error.WriteLineAsync($"No orchestration instance has id '{instanceId}' in {pipelines.Location}.");
                    return ExitCodes.Failure;
                }
                await InstancePrinter.WriteDetailAsync(host.Output, detail, await pipelines.GetTimelineAsync(instanceId, ct));
                return ExitCodes.Success;
            }
            var list = await pipelines.ListAsync(new InstanceListQuery
            {
                Statuses = parseResult.GetValue(statuses) ?? [],
                Prefix = parseResult.GetValue(prefix),
                PageSize = Math.Clamp(parseResult.GetValue(top), 1, 1000),
                ContinuationToken = parseResult.GetValue(continuation),
                IncludeSubOrchestrations = parseResult.GetValue(all),
            }, ct);
            await InstancePrinter.WriteListAsync(host.Output, list);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
