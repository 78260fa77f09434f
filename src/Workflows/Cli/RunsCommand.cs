using System.CommandLine;
using System.Globalization;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Cli;

/// <summary>
/// <c>runs</c>: every completed pipeline run in the configured artifact store (local or Blob), in the order they
/// completed, with the numbers the morning question needs: teacher, student and BM25 NDCG@5 and PNR, the student's
/// speed-up, whether it was promoted and why, and which run's model was published before it. Read from the runs'
/// manifests and reports (<see cref="RunHistory"/>, as the dashboard's runs page), so it needs no task hub.
/// </summary>
internal sealed class RunsCommand : IHostCommand
{
    public Command Create()
    {
        var data = DataOption.Create();
        var command = new Command("runs", "List the completed pipeline runs across drops: metrics, speed-up, publish decision, the model published before each.") { data };
        command.SetAction((parseResult, cancellationToken) => HostStartup.RunAsync(parseResult, DataOption.Settings(parseResult, data), RunAsync, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(HostContext host, CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection().AddHostSettings(host.Settings).AddArtifactStore().BuildServiceProvider();
        var store = services.GetRequiredService<IArtifactStore>();
        var list = await new RunHistory(store).ListAsync(cancellationToken);
        if (list.Runs.Count == 0)
        {
            await host.Output.WriteLineAsync($"No completed runs in {store.Description}.");
            return ExitCodes.Success;
        }
        var table = new TextTable("RUN", "DROP", "COMPLETED", "TEACHER_NDCG5", "STUDENT_NDCG5", "BM25_NDCG5", "TEACHER_PNR", "STUDENT_PNR", "BM25_PNR",
            "STUDENT_SPEEDUP", "PROMOTED", "PUBLISHED_BEFORE", "REASON");
        foreach (var r in list.Runs)
        {
            table.Add(r.Published ? r.RunId + " *" : r.RunId, r.DropId, Time(r.CompletedAt), F3(r.Teacher?.Ndcg5), F3(r.Student?.Ndcg5), F3(r.Bm25?.Ndcg5),
                F3(r.Teacher?.Pnr), F3(r.Student?.Pnr), F3(r.Bm25?.Pnr), F1(r.StudentSpeedup), r.Promoted ? "true" : "false", r.PublishedBefore ?? "-", r.Reason ?? "");
        }
        await table.WriteAsync(host.Output);
        await host.Output.WriteLineAsync(list.PublishedRunId is { } published
            ? Printable.Escape($"* published: {published} ({PublishedModel.PathOf(published)})")
            : "No model is published.");
        return ExitCodes.Success;
    }

    private static string Time(DateTime? at) => at is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    private static string F3(double? value) => value?.ToString("F3", CultureInfo.InvariantCulture) ?? "-";

    private static string F1(double? value) => value?.ToString("F1", CultureInfo.InvariantCulture) ?? "-";
}
