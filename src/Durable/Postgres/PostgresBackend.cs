using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RankDistill.Durable.Backends;
using RankDistill.Durable.Worker;

namespace RankDistill.Durable.Postgres;

/// <summary>
/// The task hub on PostgreSQL, for several worker processes on several machines. Workers lock work
/// with <c>FOR UPDATE SKIP LOCKED</c> (no two take the same item, none waits for another) and keep it
/// by a lock token with an expiry; every completion is one transaction, sent as one batch (one round trip),
/// whose statements check the token first (the fence). A dropped connection is retried while the write has
/// certainly not committed (it never left, or the server rolled it back); a connection lost while a write
/// was committing leaves its outcome unknown, which is thrown to the engine: it sees the item again once its
/// lock expires, and the fence (with history at fixed sequence numbers) keeps it from being applied twice.
/// Each process LISTENs for the hub's notifications, so idle workers wake at once when another process
/// enqueues work. Row locks are taken in one order (see <see cref="PostgresSql.HoldTargets"/>) and held only
/// while the server runs a batch, so concurrent results never queue behind one another.
/// </summary>
public sealed partial class PostgresBackend : IDurableBackend
{
    private readonly PostgresBackendOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSql _sql;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HistoryCache _histories = new();
    private readonly PostgresListener? _listener;
    private readonly WorkSignal? _signal;
    private int _listenerStarted;
    private bool _disposed;

    /// <summary>A backend that wakes no local dispatchers (a client, or a test of the backend alone).</summary>
    public PostgresBackend(PostgresBackendOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, null, loggerFactory)
    {
    }

    /// <param name="options">Connection and schema.</param>
    /// <param name="timeProvider">The clock for the times this backend stamps itself (messages sent by clients).</param>
    /// <param name="signal">This process's wake-ups, set by the listener; none when null.</param>
    /// <param name="loggerFactory">Logs retries and listener reconnects.</param>
    internal PostgresBackend(PostgresBackendOptions options, TimeProvider? timeProvider, WorkSignal? signal, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new ArgumentException("PostgresBackendOptions.ConnectionString is empty; give an Npgsql connection string (Host=...;Database=...;Username=...).", nameof(options));
        if (!SchemaNamePattern().IsMatch(options.SchemaName))
            throw new ArgumentException($"PostgresBackendOptions.SchemaName '{options.SchemaName}' is not a plain lower-case identifier (a-z, 0-9, _; at most 50 characters).", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgresBackend>();
        _sql = new PostgresSql(options.SchemaName);
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
            builder.ApplicationName = "rankdistill-durable";
        if (!Sets(options.ConnectionString, "maxautoprepare"))
            builder.MaxAutoPrepare = 64;
        // This backend changes no session state (its advisory lock is transaction-scoped), so a connection
        // returned to the pool needs no reset: that saves the server four statements per operation.
        if (!Sets(options.ConnectionString, "noresetonclose"))
            builder.NoResetOnClose = true;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _signal = signal;
        if (signal is not null && options.Notifications)
            _listener = new PostgresListener(builder.ConnectionString, _sql.Channel, signal, _logger);
    }

    /// <summary>The schema holding this hub's tables.</summary>
    public string SchemaName => _options.SchemaName;

    /// <summary>Called with the operation's name just before a write commits (a one-batch write: before it is
    /// sent). Crash tests set it to kill the process at that point; null otherwise.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    /// <summary>Completes when this process listens for notifications (never when it does not listen).</summary>
    internal Task Listening => _listener?.Listening ?? new TaskCompletionSource().Task;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await RunAsync("migrate", async connection =>
            await PostgresSchema.MigrateAsync(connection, _options.SchemaName, _time.GetUtcNow(), cancellationToken), cancellationToken);
        if (_listener is not null && Interlocked.Exchange(ref _listenerStarted, 1) == 0)
            _listener.Start();
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and commits it. A failure before COMMIT (the connection
    /// dropped, a deadlock, the server restarting) rolled everything back, so the whole transaction runs again
    /// on a new connection; a failure during COMMIT is thrown, since the outcome is unknown. For the client's
    /// writes (create, send, purge), which are not fenced and must not run twice.
    /// </summary>
    private Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(operation, fenced: false, async (connection, sent) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection);
            BeforeCommit?.Invoke(operation);
            sent.Value = true;
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }, cancellationToken);

    /// <summary>
    /// Sends <paramref name="commands"/> as one batch: one round trip, one implicit transaction that commits when
    /// the server reaches the batch's end, so row locks are held only while the server runs it (never across a
    /// client's round trip). For the worker's fenced writes: the first command checks the lock token. Retried when
    /// the batch never left, or the server reports it rolled back (deadlock, serialization failure) or ended the
    /// session (shutdown, terminate: a batch that did commit fails its fence on the retry, so nothing is applied
    /// twice). A connection lost while the batch ran leaves the outcome unknown: thrown.
    /// </summary>
    private Task<T> BatchAsync<T>(string operation, Func<IEnumerable<NpgsqlBatchCommand>> commands, Func<NpgsqlBatch, Task<T>> execute, CancellationToken cancellationToken) =>
        RetryAsync(operation, fenced: true, async (connection, sent) =>
        {
            await using var batch = new NpgsqlBatch(connection);
            foreach (var command in commands())
                batch.BatchCommands.Add(command);
            BeforeCommit?.Invoke(operation);
            sent.Value = true;
            return await execute(batch);
        }, cancellationToken);

    /// <summary>Runs a read, or a single statement that may safely run twice, retrying transient failures.</summary>
    private Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(operation, fenced: false, (connection, _) => work(connection), cancellationToken);

    private async Task<T> RetryAsync<T>(string operation, bool fenced, Func<NpgsqlConnection, StrongBox<bool>, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            var sent = new StrongBox<bool>();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await work(connection, sent);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts && !cancellationToken.IsCancellationRequested
                && (sent.Value ? fenced && RolledBack(e) : IsTransient(e)))
            {
                var delay = _options.RetryDelay * (1 << (attempt - 1));
                _logger.PostgresRetrying(operation, attempt, delay, e);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>Failures after which a new attempt on a new connection may succeed.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or EndOfStreamException,
        _ => false,
    };

    /// <summary>A sent batch the server rolled back (an ERROR aborts the implicit transaction) or whose session it
    /// ended; not a connection that merely went silent.</summary>
    private static bool RolledBack(Exception e) => e is PostgresException p && (
        p is { InvariantSeverity: "ERROR", SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected }
        || p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow);

    private static bool IsLockLost(PostgresException e) => e.SqlState == PostgresSchema.LockLostState;

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
            command.Parameters.Add(parameter);
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, IEnumerable<NpgsqlBatchCommand> commands, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var command in commands)
            batch.BatchCommands.Add(command);
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs the batch and returns the first value of the last command's first row (null when it returned none).</summary>
    private static async Task<object?> LastValueAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await using var r = await batch.ExecuteReaderAsync(cancellationToken);
        object? last;
        do
        {
            last = await r.ReadAsync(cancellationToken) && r.FieldCount > 0 && !r.IsDBNull(0) ? r.GetValue(0) : null;
        }
        while (await r.NextResultAsync(cancellationToken));
        return last;
    }

    /// <summary>The NOTIFY of <paramref name="payloads"/>, sent when the transaction commits; none when notifications are off.</summary>
    private IEnumerable<NpgsqlBatchCommand> Notify(IEnumerable<string> payloads)
    {
        var distinct = payloads.Distinct(StringComparer.Ordinal).ToArray();
        if (_options.Notifications && distinct.Length > 0)
            yield return Command(_sql.Notify, PostgresValues.P(_sql.Channel), PostgresValues.P(distinct));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_listener is not null)
            await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    /// <summary>Whether the connection string sets <paramref name="key"/> itself (keys compared without spaces or case).</summary>
    private static bool Sets(string connectionString, string key) =>
        new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), key, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,49}$")]
    private static partial Regex SchemaNamePattern();
}
