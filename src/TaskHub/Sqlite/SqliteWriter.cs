using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace RankDistill.TaskHub.Sqlite;

/// <summary>
/// Group commit. SQLite has one writer per file, so this process's writes queue here and one thread runs
/// whatever is queued in one IMMEDIATE transaction, each write in its own savepoint: a write that throws
/// rolls back alone and its caller gets the exception. Idle, a write commits at once; under load (a fan-out
/// completing) hundreds of writes share one commit.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    // Bounds how long the first write of a batch waits for the last one: a commit is ~0.1 ms, a write 20-100 µs.
    private const int MaxBatch = 256;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<SqliteConnection> _open;
    private readonly Action<Exception> _onBatchFailed;
    private readonly Task _loop;

    public SqliteWriter(Func<SqliteConnection> open, Action<Exception> onBatchFailed)
    {
        _open = open;
        _onBatchFailed = onBatchFailed;
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="work"/> inside a write transaction; its result once committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        var write = new Write<T>(work);
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(SqliteOrchestrationService), "The SQLite task hub has been disposed.");
        return write.Task;
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        var batch = new List<Write>(MaxBatch);
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write))
                    batch.Add(write);
                try
                {
                    connection ??= _open();
                    Commit(connection, batch);
                }
                catch (Exception e)
                {
                    // The transaction failed as a whole (busy past the timeout, I/O): nothing was written.
                    _onBatchFailed(e);
                    foreach (var write in batch)
                        write.Fail(e);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private static void Commit(SqliteConnection connection, List<Write> batch)
    {
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            foreach (var write in batch)
            {
                transaction.Save("w");
                try
                {
                    write.Run(connection, transaction);
                    transaction.Release("w");
                }
                catch (Exception e)
                {
                    transaction.Rollback("w");
                    transaction.Release("w");
                    write.Fail(e);
                }
            }
            transaction.Commit();
        }
        foreach (var write in batch)
            write.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract class Write
    {
        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception e);
    }

    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, T> work) : Write
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _value = default!;
        private bool _ran;

        public Task<T> Task => _result.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            _value = work(connection, transaction);
            _ran = true;
        }

        // A write that failed alone has already been given its exception; TrySet keeps the first outcome.
        public override void Complete()
        {
            if (_ran)
                _result.TrySetResult(_value);
        }

        public override void Fail(Exception e)
        {
            _ran = false;
            _result.TrySetException(e);
        }
    }
}
