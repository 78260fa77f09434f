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
/// by a lock token with an expiry; every completion is one transaction whose first statement checks the
/// token (the fence). A dropped connection is retried while the transaction has not reached COMMIT; a
/// failure during COMMIT is left to the engine, which sees the item again after its lock expires, and
/// the fence (with history at fixed sequence numbers) keeps it from being applied twice. Each process
/// LISTENs for the hub's notifications, so idle workers wake at once when another process enqueues work.
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
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        if (signal is not null && options.Notifications)
            _listener = new PostgresListener(builder.ConnectionString, _sql.Channel, signal, _logger);
    }

    /// <summary>The schema holding this hub's tables.</summary>
    public string SchemaName => _options.SchemaName;

    /// <summary>Called with the operation's name just before a write transaction commits. Crash tests
    /// set it to kill the process at that point; null otherwise.</summary>
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
    /// on a new connection; a failure during COMMIT is thrown, since the outcome is unknown.
    /// </summary>
    private Task<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(operation, async (connection, committing) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection);
            BeforeCommit?.Invoke(operation);
            committing.Value = true;
            await transaction.CommitAsync(CancellationToken.None);
            return result;
        }, cancellationToken);

    /// <summary>Runs a read, or a single statement that may safely run twice, retrying transient failures.</summary>
    private Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken) =>
        RetryAsync(operation, (connection, _) => work(connection), cancellationToken);

    private async Task<T> RetryAsync<T>(string operation, Func<NpgsqlConnection, StrongBox<bool>, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var attempt = 1; ; attempt++)
        {
            var committing = new StrongBox<bool>();
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                return await work(connection, committing);
            }
            catch (Exception e) when (!committing.Value && attempt < _options.MaxAttempts && IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                var delay = _options.RetryDelay * (1 << (attempt - 1));
                _logger.PostgresRetrying(operation, attempt, delay, e);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>Failures after which the transaction certainly did not commit and a new attempt may succeed.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.IsTransient || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or EndOfStreamException,
        _ => false,
    };

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
