using Npgsql;

namespace RankDistill.Durable.Postgres;

/// <summary>
/// The schema as numbered migrations, applied in order at start and recorded in schema_versions, so a
/// newer engine upgrades an older hub in place. Never edit a shipped migration: add one. Every process
/// migrates at start; a transaction-scoped advisory lock makes concurrent starters take turns, so the
/// second finds the work done. Times are UTC ticks (bigint), as in the SQLite backend: exact to the
/// 100 ns of <see cref="DateTimeOffset"/> and indexable. <c>{s}</c> stands for the schema name.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The SQLSTATE <c>{s}.lock_lost()</c> raises; a completion that sees it wrote nothing.</summary>
    public const string LockLostState = "RD001";

    private static readonly string[] _migrations =
    [
        // 1: instances, their histories, their inboxes (messages not yet processed), activity queues,
        // and the fence function completions call when their lock token no longer holds.
        """
        CREATE TABLE {s}.instances (
            instance_id text PRIMARY KEY,
            name text NOT NULL,
            status text NOT NULL,
            generation int NOT NULL DEFAULT 0,
            created_at bigint NOT NULL,
            updated_at bigint NOT NULL,
            completed_at bigint NULL,
            input text NULL,
            output text NULL,
            custom_status text NULL,
            failure text NULL,
            parent_instance_id text NULL,
            -- A new value whenever the history is replaced or the instance re-created, so a cached copy
            -- of the history (in any process) is known stale.
            history_epoch text NOT NULL,
            -- When its earliest waking inbox message becomes visible (null: none), so finding work
            -- reads one index instead of scanning inboxes.
            next_wake_at bigint NULL,
            locked_by text NULL,
            lock_token text NULL,
            locked_until bigint NULL);
        CREATE INDEX instances_created ON {s}.instances (created_at DESC, instance_id);
        CREATE INDEX instances_status ON {s}.instances (status);
        CREATE INDEX instances_wake ON {s}.instances (next_wake_at) WHERE next_wake_at IS NOT NULL;

        -- The key makes a history append idempotent: a step's events go to fixed sequence numbers, so
        -- an append that somehow ran twice fails instead of doubling the history.
        CREATE TABLE {s}.history (
            instance_id text NOT NULL,
            sequence bigint NOT NULL,
            event_type text NOT NULL,
            event text NOT NULL,
            PRIMARY KEY (instance_id, sequence));

        CREATE TABLE {s}.inbox (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            instance_id text NOT NULL,
            generation int NULL,
            event_type text NOT NULL,
            event text NOT NULL,
            wakes boolean NOT NULL,
            enqueued_at bigint NOT NULL,
            visible_at bigint NOT NULL,
            dequeue_count int NOT NULL DEFAULT 0);
        CREATE INDEX inbox_instance ON {s}.inbox (instance_id, id);

        -- Outstanding activities only: a row is deleted when its result is stored (or its instance
        -- cancels it), so COUNT(*) per queue is the queue's backlog, leased items included.
        CREATE TABLE {s}.tasks (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            instance_id text NOT NULL,
            generation int NOT NULL,
            task_id int NOT NULL,
            name text NOT NULL,
            queue text NOT NULL,
            input text NULL,
            attempt int NOT NULL,
            enqueued_at bigint NOT NULL,
            -- Equals locked_until while locked, so one index finds both new and expired items.
            visible_at bigint NOT NULL,
            dispatch_count int NOT NULL DEFAULT 0,
            locked_by text NULL,
            lock_token text NULL,
            locked_until bigint NULL,
            heartbeat_details text NULL,
            heartbeat_timeout_ticks bigint NULL);
        CREATE INDEX tasks_queue ON {s}.tasks (queue, visible_at, id);
        CREATE INDEX tasks_instance ON {s}.tasks (instance_id);

        -- Raised by a completion whose lock token no longer holds its item: the error aborts the whole
        -- transaction (and the rest of its batch), so nothing of the completion is written.
        CREATE FUNCTION {s}.lock_lost(item text) RETURNS int LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the lock on % was lost', item USING ERRCODE = 'RD001';
        END $$;
        """,
    ];

    public static int LatestVersion => _migrations.Length;

    /// <summary>Applies the missing migrations in one transaction, under the schema's advisory lock.</summary>
    /// <returns>The version before.</returns>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, string schema, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock(hashtextextended('rankdistill-durable:{schema}', 0))", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.schema_versions (version int PRIMARY KEY, applied_at bigint NOT NULL);
            """, cancellationToken);
        await using var read = new NpgsqlCommand($"SELECT COALESCE(MAX(version), 0) FROM {schema}.schema_versions", connection);
        var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The task hub schema '{schema}' has version {current}, newer than this engine's {LatestVersion}; upgrade the engine.");
        }
        for (var version = current + 1; version <= LatestVersion; version++)
        {
            await ExecuteAsync(connection, _migrations[version - 1].Replace("{s}", schema, StringComparison.Ordinal), cancellationToken);
            await using var record = new NpgsqlCommand($"INSERT INTO {schema}.schema_versions (version, applied_at) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = version }, new() { Value = now.UtcTicks } },
            };
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return current;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
