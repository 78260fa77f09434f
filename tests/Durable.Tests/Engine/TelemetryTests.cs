using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using RankDistill.Durable.Telemetry;
using RankDistill.Durable.Tests.Support;

namespace RankDistill.Durable.Tests.Engine;

/// <summary>Spans and metrics, seen the way an OpenTelemetry SDK sees them (listeners on the source and meter).</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Spans_OneForEachStepAndActivityExecution()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DurableTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("TracedStep", (_, x) => x < 0 ? throw new ArgumentException("negative") : Task.FromResult(x))
            .AddOrchestrator<int, int>("Traced", async (ctx, x) =>
            {
                await ctx.CallActivityAsync<int>("TracedStep", x);
                try
                {
                    return await ctx.CallActivityAsync<int>("TracedStep", -x);
                }
                catch (TaskFailedException)
                {
                    return -1;
                }
            }));

        var done = await hub.RunAsync("Traced", 3);

        var mine = spans.Where(s => (string?)s.GetTagItem("durable.instance_id") == done.InstanceId).ToList();
        var activities = mine.Where(s => s.DisplayName == "activity TracedStep").ToList();
        Assert.Equal(2, activities.Count);
        Assert.Single(activities, a => a.Status == ActivityStatusCode.Error);
        Assert.All(activities, a => Assert.Equal("default", a.GetTagItem("durable.queue")));
        Assert.True(mine.Count(s => s.DisplayName == "orchestration Traced") >= 3);
        Assert.Contains(mine, s => (string?)s.GetTagItem("durable.status") == "Completed");
    }

    [Fact]
    public async Task Metrics_DispatchLatencyFailuresAndQueueDepth()
    {
        var latencies = new ConcurrentBag<(double Value, string? Kind)>();
        var failures = new ConcurrentBag<(long Value, string? Kind, string? Name)>();
        var depths = new ConcurrentBag<string?>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == DurableTelemetry.Name)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            if (i.Name == "durable.dispatch.latency")
                latencies.Add((v, Tag(tags, "kind")));
        });
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            if (i.Name == "durable.failures")
                failures.Add((v, Tag(tags, "kind"), Tag(tags, "name")));
        });
        listener.SetMeasurementEventCallback<int>((i, _, tags, _) =>
        {
            if (i.Name == "durable.queue.depth")
                depths.Add(Tag(tags, "queue"));
        });
        listener.Start();
        await using var hub = await TestHub.StartAsync(b => b
            .AddActivity<int, int>("MeteredBroken", (_, _) => throw new InvalidOperationException("broken"))
            .AddOrchestrator<int, int>("Metered", (ctx, x) => ctx.CallActivityAsync<int>("MeteredBroken", x)));

        var done = await hub.RunAsync("Metered", 1);
        listener.RecordObservableInstruments();

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains(failures, f => f == (1, "activity", "MeteredBroken"));
        Assert.Contains(failures, f => f == (1, "orchestration", "Metered"));
        Assert.Contains(latencies, l => l.Kind == "activity" && l.Value >= 0);
        Assert.Contains(latencies, l => l.Kind == "orchestration" && l.Value >= 0);
        Assert.Contains("orchestrations", depths);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key)
                return tag.Value as string;
        }
        return null;
    }
}
