using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RankDistill.Durable.Telemetry;

/// <summary>
/// Traces and metrics of the engine, under the name <see cref="Name"/>: add it to an
/// OpenTelemetry tracer and meter provider (<c>AddSource</c>, <c>AddMeter</c>).
/// Spans: <c>orchestration {name}</c> per step, <c>activity {name}</c> per execution.
/// Metrics: <c>durable.dispatch.latency</c> (ms from enqueue to pick-up), <c>durable.queue.depth</c>
/// (waiting items per queue), <c>durable.failures</c> (failed activities and instances).
/// </summary>
public static class DurableTelemetry
{
    public const string Name = "RankDistill.Durable";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Histogram<double> DispatchLatency = Meter.CreateHistogram<double>(
        "durable.dispatch.latency", "ms", "Time from an item being enqueued (or becoming visible) to a worker taking it.");

    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "durable.failures", "{failure}", "Failed activity executions and failed orchestration instances.");

    private static readonly Dictionary<string, int> _depths = [];

    internal static readonly ObservableGauge<int> QueueDepth = Meter.CreateObservableGauge(
        "durable.queue.depth", ObserveDepths, "{item}", "Items waiting for a worker, per queue (orchestrations under 'orchestrations').");

    /// <summary>Stores the latest sampled depths (the gauge reports them when observed).</summary>
    internal static void SetDepths(IReadOnlyDictionary<string, int> activities, int orchestrations)
    {
        lock (_depths)
        {
            foreach (var key in _depths.Keys.ToList())
                _depths[key] = 0;
            foreach (var (queue, count) in activities)
                _depths[queue] = count;
            _depths["orchestrations"] = orchestrations;
        }
    }

    private static IEnumerable<Measurement<int>> ObserveDepths()
    {
        lock (_depths)
            return [.. _depths.Select(d => new Measurement<int>(d.Value, new KeyValuePair<string, object?>("queue", d.Key)))];
    }
}
