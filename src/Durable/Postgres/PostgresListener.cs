using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Postgres;

/// <summary>
/// Turns the hub's notifications into this process's wake-ups: one connection LISTENs on the hub's
/// channel and sets the <see cref="WorkSignal"/> pulses the dispatchers and waiting clients arm, so work
/// enqueued by another process is seen at once instead of at the next poll. A lost connection is opened
/// again after a back-off; on each (re)connect every pulse is set once, since notifications sent while
/// disconnected are gone. Polling stays the fallback throughout.
/// </summary>
internal sealed class PostgresListener : IAsyncDisposable
{
    /// <summary>Notification payloads: orchestration work is visible, an activity queue has work,
    /// tasks were cancelled, an instance changed status.</summary>
    public const string Orchestrations = "o";
    public const string QueuePrefix = "q:";
    public const string Cancellations = "c";
    public const string InstanceChanged = "i";

    private readonly string _connectionString;
    private readonly string _channel;
    private readonly WorkSignal _signal;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, byte> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;

    public PostgresListener(string connectionString, string channel, WorkSignal signal, ILogger logger)
    {
        // Its own unpooled connection: LISTEN is session state, and a pooled connection would carry it to others.
        // Keepalive queries detect a dead connection while it waits.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5 }.ConnectionString;
        (_channel, _signal, _logger) = (channel, signal, logger);
    }

    /// <summary>Completes once the first LISTEN is in place and its catch-up wake-up done (tests wait for it).</summary>
    public Task Listening => _listening.Task;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Queues this process asked for work, to wake after a reconnect.</summary>
    public void Served(string queue) => _queues.TryAdd(queue, 0);

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) => Wake(e.Payload);
                await connection.OpenAsync(stopping);
                await using (var listen = new NpgsqlCommand($"LISTEN {_channel}", connection))
                    await listen.ExecuteNonQueryAsync(stopping);
                delay = TimeSpan.FromMilliseconds(100);
                WakeAll();
                _listening.TrySetResult();
                while (true)
                    await connection.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.ListenerReconnecting(_channel, delay, e);
                try
                {
                    await Task.Delay(delay, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private void Wake(string payload)
    {
        switch (payload)
        {
            case Orchestrations:
                _signal.NotifyOrchestrations();
                break;
            case Cancellations:
                _signal.NotifyCancellations();
                break;
            case InstanceChanged:
                _signal.NotifyInstanceChanged();
                break;
            default:
                if (payload.StartsWith(QueuePrefix, StringComparison.Ordinal))
                    _signal.NotifyQueue(payload[QueuePrefix.Length..]);
                break;
        }
    }

    private void WakeAll()
    {
        _signal.NotifyOrchestrations();
        _signal.NotifyCancellations();
        _signal.NotifyInstanceChanged();
        foreach (var queue in _queues.Keys)
            _signal.NotifyQueue(queue);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
