using Microsoft.Extensions.Logging;

namespace RankDistill.Durable;

/// <summary>
/// What an orchestration may do. Orchestration code is replayed from its history after every
/// step, so it must make the same calls in the same order every time it runs:
/// <list type="bullet">
/// <item>use <see cref="CurrentUtcDateTime"/> instead of <c>DateTime.UtcNow</c>, <see cref="NewGuid"/>
/// instead of <c>Guid.NewGuid</c>, and <see cref="CreateTimer(TimeSpan, CancellationToken)"/> instead of <c>Task.Delay</c>;</item>
/// <item>do I/O (files, network, databases, environment variables, random numbers) only in activities;</item>
/// <item>await only tasks this context returns (and <c>Task.WhenAll</c>/<c>Task.WhenAny</c> over them):
/// no <c>Task.Run</c>, no threads, no <c>ConfigureAwait(false)</c>;</item>
/// <item>change the code of a running orchestration only in ways that keep old histories replaying.</item>
/// </list>
/// A replay that makes a different call than its history holds fails the instance with a
/// <see cref="NonDeterministicOrchestrationException"/> that names both.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The instance id, chosen by the caller or generated when it was scheduled.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The orchestrator's registered name.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The time this step of the orchestration started, the same on every replay: a deterministic,
    /// replay-safe replacement for <c>DateTime.UtcNow</c>. It does not advance while the code runs.
    /// </summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>
    /// True while the code runs over history it has already made; false once it runs past it.
    /// Use it to skip side effects such as logs or metrics; never to change which calls are made.
    /// </summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Schedules an activity and returns its result. Fails with <see cref="TaskFailedException"/>
    /// once the activity has failed and its <see cref="TaskOptions.Retry"/> policy gives up.</summary>
    /// <param name="name">The activity's registered name.</param>
    /// <param name="input">A JSON-serializable input; keep it small (artifact URIs, not data).</param>
    /// <param name="options">Queue and retry policy; default queue and no retries when null.</param>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <inheritdoc cref="CallActivityAsync{TResult}(string, object?, TaskOptions?)"/>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a child orchestration and returns its output; it fails with
    /// <see cref="TaskFailedException"/> when the child fails or is terminated.</summary>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, SubOrchestrationOptions? options = null);

    /// <inheritdoc cref="CallSubOrchestratorAsync{TResult}(string, object?, SubOrchestrationOptions?)"/>
    public Task CallSubOrchestratorAsync(string name, object? input = null, SubOrchestrationOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(name, input, options);

    /// <summary>
    /// A durable timer: survives restarts, costs nothing while it waits. The replay-safe
    /// replacement for <c>Task.Delay</c>. Cancelling the token cancels the returned task
    /// (the timer itself still fires later and is then ignored).
    /// </summary>
    public abstract Task CreateTimer(DateTime fireAtUtc, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="CreateTimer(DateTime, CancellationToken)"/>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken = default) =>
        CreateTimer(CurrentUtcDateTime + delay, cancellationToken);

    /// <summary>Waits for an event raised with <c>DurableTaskClient.RaiseEventAsync</c>. Events
    /// that arrive before anyone waits are kept, first in first out per name.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an event, or throws <see cref="TimeoutException"/> once a durable timer
    /// of <paramref name="timeout"/> fires first.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends this execution when the orchestrator method returns and starts it again with
    /// <paramref name="newInput"/> and an empty history: the way to run an eternal loop without
    /// an ever-growing history. Events not yet received are carried over unless told otherwise.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>A small JSON-serializable status shown by the client and the dashboard.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// A new GUID that is the same on every replay (name-based, from the instance id and a
    /// counter): the replay-safe replacement for <c>Guid.NewGuid</c>.
    /// </summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that writes only when the code is not replaying, so each message
    /// appears once even though the code runs many times.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <inheritdoc cref="CreateReplaySafeLogger(string)"/>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
