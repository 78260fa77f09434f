using RankDistill.Durable;

namespace RankDistill.Activities.Reporting;

/// <summary>Heartbeats the activity after each scored batch, so a long scoring pass keeps its lease.</summary>
internal sealed class HeartbeatProgress(TaskActivityContext context, string phase) : IProgress<int>
{
    public void Report(int value) => context.Heartbeat(new { phase, scored = value });
}
