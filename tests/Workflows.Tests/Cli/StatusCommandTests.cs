using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub;
using RankDistill.Workflows.Orchestrations;
using RankDistill.Workflows.Tests.Demo;
using RankDistill.Workflows.Tests.Pipeline;

namespace RankDistill.Workflows.Tests.Cli;

/// <summary>
/// <c>status</c>'s list as a process on a data folder whose task hub holds two failed pipelines, one running and one
/// instance of another name scheduled for later: each filter lists exactly its instances, and <c>--top</c> pages
/// through all of them once.
/// </summary>
public sealed class StatusCommandTests
{
    private const string Later = "later-1";
    private static readonly string[] _failed = ["pipeline-empty-1", "pipeline-empty-2"];
    private const string Running = "pipeline-waiting";

    [Fact]
    public async Task Status_FiltersAndPages_ListExactlyTheirInstances()
    {
        using var data = new TemporaryFolder();
        await FillAsync(data.Path);
        string[] all = [.. _failed, Running, Later];

        var failed = await StatusAsync(data.Path, "--status", "Failed");
        var open = await StatusAsync(data.Path, "--status", "Running", "Pending");
        var prefix = await StatusAsync(data.Path, "--prefix", "later-");
        var none = await StatusAsync(data.Path, "--prefix", "nothing-");
        var bad = await HostProcess.RunAsync(data.Path, "status", "--status", "Sleeping", "--data", data.Path);

        Assert.Equal(_failed, failed.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(failed.Rows.Values, r => Assert.Equal("Failed", r[2]));
        Assert.Equal([Later, Running], open.Rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Running", "Pending"), (open.Rows[Running][2], open.Rows[Later][2]));
        Assert.Equal(("DistillationPipeline", "waiting"), (open.Rows[Running][1], open.Rows[Running][4]));
        Assert.Equal([Later], prefix.Rows.Keys);
        Assert.Equal("NotRunHere", prefix.Rows[Later][1]);
        Assert.Equal("No instances.", none.Text.TrimEnd());
        Assert.True(bad.ExitCode == 1, bad.Output);
        Assert.Equal("Cannot parse argument 'Sleeping' for option '--status' as expected type 'Microsoft.DurableTask.Client.OrchestrationRuntimeStatus'.", bad.StdErr.Trim());

        // Pages of two: every instance once, and the last page says there is no more.
        var seen = new List<string>();
        string? token = null;
        for (var page = 0; page < all.Length; page++)
        {
            var listed = await StatusAsync(data.Path, ["--top", "2", .. token is null ? [] : new[] { "--continue", token }]);
            Assert.InRange(listed.Rows.Count, 0, 2);
            seen.AddRange(listed.Rows.Keys);
            if ((token = listed.Continuation) is null)
                break;
        }
        Assert.Null(token);
        Assert.Equal(all.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    /// <summary>Two drops that fail at PrepareData (no rows), one whose pipeline waits for a GPU worker, one instance for later.</summary>
    private static async Task FillAsync(string dataRoot)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await PipelineTestHost.StartAsync(dataRoot, queues: new Dictionary<string, int> { [TaskQueues.Default] = 1 });
        foreach (var id in _failed)
        {
            var dropId = id["pipeline-".Length..];
            await host.Store.WriteAsync($"clicklogs/{dropId}/_SUCCESS", ReadOnlyMemory<byte>.Empty, ct);
            Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.RunAsync(dropId)).RuntimeStatus);
        }
        await TinyWorld.WriteDropAsync(host.Store, "waiting");
        Assert.True((await PipelineSubmission.SubmitAsync(host.Client, "waiting", host.Settings.Pipeline.Settings, ct)).Started);
        await Poll.UntilAsync(async () => (await host.GpuClient.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = Running }).ToListAsync(ct)).Count > 0,
            $"{Running} waiting for a GPU worker", TimeSpan.FromMinutes(2));
        await host.Client.ScheduleNewOrchestrationInstanceAsync("NotRunHere", input: null, new StartOrchestrationOptions(Later, DateTimeOffset.UtcNow.AddDays(1)), ct);
    }

    private static async Task<Listing> StatusAsync(string dataRoot, params string[] args)
    {
        var run = await HostProcess.RunAsync(dataRoot, ["status", .. args, "--data", dataRoot]);
        Assert.True(run is { ExitCode: 0, StdErr: "" }, run.Output);
        return Listing.Parse(run.StdOut);
    }

    /// <summary>What <c>status</c> printed: its table's rows by instance id, cells cut where the header's columns start, and the token for the next page.</summary>
    private sealed record Listing(string Text, Dictionary<string, string[]> Rows, string? Continuation)
    {
        private const string More = "(more: --continue ";

        public static Listing Parse(string text)
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            var continuation = lines.SingleOrDefault(l => l.StartsWith(More, StringComparison.Ordinal)) is { } more ? more[More.Length..^1] : null;
            var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (lines.FindIndex(l => l.StartsWith("INSTANCE ", StringComparison.Ordinal)) is var header and >= 0)
            {
                var starts = lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => lines[header].IndexOf(h, StringComparison.Ordinal)).ToList();
                foreach (var line in lines.Skip(header + 1).TakeWhile(l => !l.StartsWith(More, StringComparison.Ordinal)))
                {
                    var cells = starts.Select((s, i) => s >= line.Length ? "" : line[s..(i + 1 < starts.Count ? Math.Min(starts[i + 1], line.Length) : line.Length)].Trim()).ToArray();
                    rows.Add(cells[0], cells);
                }
            }
            return new Listing(text, rows, continuation);
        }
    }
}
