using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace RankDistill.Durable.Sqlite;

/// <summary>
/// Group commit: SQLite has a single writer, so this process's writes queue here and one loop
/// runs whatever is queued in one IMMEDIATE transaction, each write inside its own savepoint
/// (a write that throws rolls back alone and its caller gets the exception). When idle a write
/// commits at once; under load many writes share one commit.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxBatch = 128;
    private readonly Channel<Write> _queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<SqliteConnection> _open;
    private readonly Func<Action<string>?> _beforeCommit;
    private readonly Task _loop;

    /// <param name="open">Opens the writer connection.</param>
    /// <param name="beforeCommit">The crash tests' hook, called with each write's operation name before the commit.</param>
    public SqliteWriter(Func<SqliteConnection> open, Func<Action<string>?> beforeCommit)
    {
        _open = open;
        _beforeCommit = beforeCommit;
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        var write = new Write<T>(operation, work, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
            throw new ObjectDisposedException(nameof(SqliteBackend));
        return write.Task;
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        var batch = new List<Write>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write))
                {
                    if (!write.Cancelled)
                        batch.Add(write);
                }
                if (batch.Count == 0)
                    continue;
                try
                {
                    connection ??= _open();
                    Commit(connection, batch);
                }
                catch (Exception e)
                {
                    // The transaction failed as a whole (busy beyond the timeout, I/O): nothing was written.
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

    private void Commit(SqliteConnection connection, List<Write> batch)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
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
        var hook = _beforeCommit();
        foreach (var write in batch.Where(w => w.Succeeded))
            hook?.Invoke(write.Operation);
        transaction.Commit();
        foreach (var write in batch.Where(w => w.Succeeded))
            write.Complete();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract class Write(string operation, CancellationToken cancellationToken)
    {
        public string Operation { get; } = operation;

        public bool Succeeded { get; protected set; }

        public bool Cancelled => cancellationToken.IsCancellationRequested && Cancel(cancellationToken);

        public abstract void Run(SqliteConnection connection, SqliteTransaction transaction);

        public abstract void Complete();

        public abstract void Fail(Exception e);

        protected abstract bool Cancel(CancellationToken token);
    }

    private sealed class Write<T>(string operation, Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
        : Write(operation, cancellationToken)
    {
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _value = default!;

        public Task<T> Task => _result.Task;

        public override void Run(SqliteConnection connection, SqliteTransaction transaction)
        {
            _value = work(connection, transaction);
            Succeeded = true;
        }

        public override void Complete() => _result.TrySetResult(_value);

        public override void Fail(Exception e)
        {
            Succeeded = false;
            _result.TrySetException(e);
        }

        protected override bool Cancel(CancellationToken token) => _result.TrySetCanceled(token);
    }
}
