using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using RankDistill.Durable.Backends;

namespace RankDistill.Durable.Sqlite;

/// <summary>
/// The embedded task hub: one SQLite file in WAL mode, shareable by several worker processes.
/// Writes from this process go through one connection, one at a time (SQLite has one writer
/// anyway, and waiting in-process is far cheaper than SQLite's busy retries); reads use pooled
/// connections and never block writers.
/// </summary>
public sealed partial class SqliteBackend : IDurableBackend, IDisposable
{
    private readonly SqliteBackendOptions _options;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly HistoryCache _histories = new();
    private readonly SqliteWriter _writer;
    private bool _disposed;

    public SqliteBackend(IOptions<SqliteBackendOptions> options, TimeProvider? timeProvider = null)
        : this(options.Value, timeProvider)
    {
    }

    public SqliteBackend(SqliteBackendOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        var path = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        FilePath = path;
        _writer = new SqliteWriter(() => Open(journal: true), () => BeforeCommit);
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Called with the operation's name just before a write transaction commits. Crash
    /// tests set it to kill the process at that point; null otherwise.</summary>
    internal Action<string>? BeforeCommit { get; set; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
            Directory.CreateDirectory(folder);
        await WriteAsync("migrate", (connection, transaction) =>
            SqliteSchema.Migrate(connection, transaction, _time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction (possibly shared with other
    /// writes: see <see cref="SqliteWriter"/>); an exception rolls back this write only.</summary>
    private Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken) =>
        _writer.WriteAsync(operation, work, cancellationToken);

    /// <summary>A pooled connection with this engine's settings.</summary>
    private SqliteConnection Open(bool journal = false)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var busyMs = (int)_options.BusyTimeout.TotalMilliseconds;
        var synchronous = _options.FsyncEveryCommit ? "FULL" : "NORMAL";
        // WAL is a property of the file, set once by the writer; the others are per connection.
        Execute(connection, null, $"{(journal ? "PRAGMA journal_mode=WAL; " : "")}PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyMs};");
        return connection;
    }

    /// <summary>A pooled read connection; in WAL mode readers never wait for the writer.</summary>
    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A read-only look before taking the write path: an idle poll costs no write transaction.</summary>
    private bool HasWork(string existsSql, DateTimeOffset now, string? queue = null)
    {
        using var connection = OpenReader();
        using var command = Command(connection, null, existsSql, ("$now", now.UtcTicks), ("$queue", queue));
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _writer.DisposeAsync();
    }
}
