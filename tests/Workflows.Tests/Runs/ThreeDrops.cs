using RankDistill.Activities.Storage;

namespace RankDistill.Workflows.Tests.Runs;

/// <summary>
/// Three daily drops as the runs listing should see them: day 1 promoted (nothing published before), day 2 not
/// promoted (student under the gate; day 1 in service), day 3 promoted over day 1 and now in service. Beside them a
/// failed run and a running one, which the listing leaves out.
/// </summary>
internal sealed record ThreeDrops(CompletedRuns.Written Day1, CompletedRuns.Written Day2, CompletedRuns.Written Day3)
{
    public static async Task<ThreeDrops> WriteAsync(IArtifactStore store)
    {
        var day1 = await CompletedRuns.WriteAsync(store, "day-1", new DateTime(2026, 12, 1, 6, 0, 0, DateTimeKind.Utc), 0.80, 0.78, 0.70, speedup: 21.5);
        await CompletedRuns.WriteUnfinishedAsync(store, "day-2-broken", new DateTime(2026, 12, 2, 5, 0, 0, DateTimeKind.Utc), "failed");
        var day2 = await CompletedRuns.WriteAsync(store, "day-2", new DateTime(2026, 12, 2, 6, 0, 0, DateTimeKind.Utc), 0.82, 0.76, 0.71, speedup: 19.0);
        var day3 = await CompletedRuns.WriteAsync(store, "day-3", new DateTime(2026, 12, 3, 6, 0, 0, DateTimeKind.Utc), 0.83, 0.81, 0.69, speedup: 22.25);
        await CompletedRuns.WriteUnfinishedAsync(store, "day-4", new DateTime(2026, 12, 4, 6, 0, 0, DateTimeKind.Utc), "running");
        Assert.True(day1.Promoted && !day2.Promoted && day3.Promoted, "the scenario's gates did not decide as intended");
        return new ThreeDrops(day1, day2, day3);
    }

    public IReadOnlyList<CompletedRuns.Written> All => [Day1, Day2, Day3];
}
