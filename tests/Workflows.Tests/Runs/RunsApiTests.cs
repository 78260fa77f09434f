using System.Text.Json;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Dashboard.Api;
using RankDistill.Workflows.Tests.Dashboard;

namespace RankDistill.Workflows.Tests.Runs;

/// <summary><c>GET /api/runs</c> on the real host: the runs in its store, their numbers and decisions, under the names the page reads.</summary>
public sealed class RunsApiTests
{
    [Fact]
    public async Task GetRuns_ThreeDrops_CompletedRunsOldestFirstWithThePublishedOneMarked()
    {
        await using var host = await DashboardTestHost.StartAsync();
        var drops = await ThreeDrops.WriteAsync(host.Store);

        using var response = await host.Http.GetAsync("api/runs", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var list = JsonSerializer.Deserialize<RunList>(text, DashboardJson.Options)!;
        Assert.Equal(drops.All.Select(d => d.RunId), list.Runs.Select(r => r.RunId));
        Assert.Equal(drops.Day3.RunId, list.PublishedRunId);
        foreach (var (expected, run) in drops.All.Zip(list.Runs))
        {
            Assert.Equal(expected.DropId, run.DropId);
            Assert.Equal(expected.CompletedAt, run.CompletedAt);
            Assert.Equal((expected.Report.Teacher.Ndcg5, expected.Report.Teacher.Pnr), (run.Teacher!.Ndcg5, run.Teacher.Pnr));
            Assert.Equal((expected.Report.Student.Ndcg5, expected.Report.Student.Pnr), (run.Student!.Ndcg5, run.Student.Pnr));
            Assert.Equal((expected.Report.Bm25.Ndcg5, expected.Report.Bm25.Pnr), (run.Bm25!.Ndcg5, run.Bm25.Pnr));
            Assert.Equal(expected.Report.Throughput.Speedup, run.StudentSpeedup);
            Assert.Equal(expected.Report.Result.StudentVsTeacher, run.StudentVsTeacher);
            Assert.Equal((expected.Promoted, expected.Reason, expected.PublishedBefore), (run.Promoted, run.Reason, run.PublishedBefore));
            Assert.Equal(expected == drops.Day3, run.Published);
        }
        // The names the page reads, as the rest of the API spells them.
        var first = JsonDocument.Parse(text).RootElement.GetProperty("runs")[0];
        Assert.Equal(["runId", "dropId", "startedAt", "completedAt", "teacher", "student", "bm25", "studentVsTeacher", "studentSpeedup", "promoted", "reason", "publishedBefore", "published"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["ndcg5", "pnr"], first.GetProperty("teacher").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task GetRuns_NoRuns_EmptyListAndNothingPublished()
    {
        await using var host = await DashboardTestHost.StartAsync();

        var list = await host.GetAsync<RunList>("api/runs");

        Assert.Empty(list.Runs);
        Assert.Null(list.PublishedRunId);
    }
}
