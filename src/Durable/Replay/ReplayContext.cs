using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RankDistill.Durable.History;

namespace RankDistill.Durable.Replay;

/// <summary>
/// The orchestration context during one step: it records the calls the code makes as actions,
/// numbered in call order, and completes them from history events. Split by feature:
/// activities, sub-orchestrations, timers, events.
/// </summary>
internal sealed partial class ReplayContext : TaskOrchestrationContext
{
    private readonly List<OpenAction> _actions = [];
    private readonly PayloadConverter _converter;
    private readonly ILoggerFactory _loggers;
    private int _guidCounter;

    public ReplayContext(string instanceId, string name, int generation, PayloadConverter converter, ILoggerFactory loggers)
    {
        InstanceId = instanceId;
        Name = name;
        Generation = generation;
        _converter = converter;
        _loggers = loggers;
    }

    public override string InstanceId { get; }

    public override string Name { get; }

    public int Generation { get; }

    public override DateTime CurrentUtcDateTime => Now.UtcDateTime;

    public DateTimeOffset Now { get; set; }

    public override bool IsReplaying => Replaying;

    public bool Replaying { get; set; } = true;

    public IReadOnlyList<OpenAction> Actions => _actions;

    /// <summary>JSON of the last <see cref="SetCustomStatus"/>.</summary>
    public string? CustomStatus { get; private set; }

    /// <summary>Set by <see cref="ContinueAsNew"/>.</summary>
    public ContinueAsNewRequest? ContinueAsNewRequested { get; private set; }

    public PayloadConverter Converter => _converter;

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true) =>
        ContinueAsNewRequested = new ContinueAsNewRequest(_converter.Serialize(newInput, $"continue-as-new input of '{Name}'"), preserveUnprocessedEvents);

    public override void SetCustomStatus(object? customStatus) =>
        CustomStatus = _converter.Serialize(customStatus, $"custom status of '{Name}'");

    public override Guid NewGuid()
    {
        // Name-based (RFC 4122 version 5 layout): the same instance, execution and counter give
        // the same GUID on every replay.
        var name = Encoding.UTF8.GetBytes($"{InstanceId}\n{Generation}\n{_guidCounter++}");
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(name, hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(_loggers.CreateLogger(categoryName), () => Replaying);

    /// <summary>Makes a new action with the next call id.</summary>
    private OpenAction NewAction(Func<int, ActionEvent> recordAs, string? carriedHeartbeat = null)
    {
        var action = new OpenAction(recordAs(_actions.Count) with { Timestamp = Now })
        {
            CarriedHeartbeat = carriedHeartbeat,
        };
        _actions.Add(action);
        return action;
    }

    /// <summary>Matches a recorded call against the call the code made with the same id.</summary>
    public void Record(ActionEvent recorded)
    {
        if (recorded.TaskId >= _actions.Count)
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' (instance '{InstanceId}'): the history holds call #{recorded.TaskId}, " +
                $"{recorded.Description}, but the code, replayed, made only {_actions.Count} call(s) at that point " +
                $"({Describe(_actions.Count - 1)}). {Rule}");
        }
        var action = _actions[recorded.TaskId];
        if (!action.Matches(recorded))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' (instance '{InstanceId}'): for call #{recorded.TaskId} the code called " +
                $"{action.Event.Description} but the history holds {recorded.Description}. {Rule}");
        }
        action.Recorded = true;
    }

    private const string Rule =
        "Orchestration code must make the same calls in the same order on every replay: do not change the calls of running " +
        "instances, and use context.CurrentUtcDateTime/NewGuid instead of DateTime.UtcNow/Guid.NewGuid.";

    private string Describe(int index) => index < 0 ? "none" : $"the last was #{index}, {_actions[index].Event.Description}";

    /// <summary>Delivers a result to its call; results for unknown or finished calls are ignored
    /// (a timer that lost a race, a duplicate).</summary>
    public void Deliver(ResultEvent result)
    {
        if (result.TaskId >= 0 && result.TaskId < _actions.Count)
            _actions[result.TaskId].Complete(result);
    }
}

/// <summary>What <see cref="TaskOrchestrationContext.ContinueAsNew"/> asked for.</summary>
internal sealed record ContinueAsNewRequest(string? Input, bool PreserveUnprocessedEvents);
