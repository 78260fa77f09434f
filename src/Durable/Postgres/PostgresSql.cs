namespace RankDistill.Durable.Postgres;

/// <summary>
/// Every statement of the backend, made once per schema name. Each text is constant (lists travel as
/// arrays through <c>unnest</c>, never as generated SQL), so Npgsql's automatic preparation parses and
/// plans it once per connection. Parameters are positional (<c>$1</c>), in the order each comment gives.
/// </summary>
internal sealed class PostgresSql(string s)
{
    /// <summary>The instance columns, in the order <see cref="PostgresValues.ReadInstance"/> reads them.</summary>
    public const string InstanceColumns =
        "instance_id, name, status, generation, created_at, updated_at, completed_at, input, output, custom_status, failure, parent_instance_id, locked_by";

    /// <summary>The LISTEN/NOTIFY channel of this hub.</summary>
    public string Channel { get; } = $"{s}_work";

    // ---- instances ----

    /// <summary>$1 id.</summary>
    public string SelectInstance { get; } = $"SELECT {InstanceColumns} FROM {s}.instances WHERE instance_id = $1";

    /// <summary>$1 id: the status, with the row locked (FOR UPDATE) against concurrent creators, purgers, and senders
    /// of waking messages (see <see cref="HoldTargets"/>).</summary>
    public string LockInstanceRow { get; } = $"SELECT status FROM {s}.instances WHERE instance_id = $1 FOR UPDATE";

    /// <summary>$1 id, $2 name, $3 now, $4 input, $5 epoch. Inserts nothing when a concurrent creator won.</summary>
    public string InsertInstance { get; } = $"""
        INSERT INTO {s}.instances (instance_id, name, status, generation, created_at, updated_at, input, history_epoch)
        VALUES ($1, $2, 'Pending', 0, $3, $3, $4, $5) ON CONFLICT (instance_id) DO NOTHING
        """;

    /// <summary>$1 id, $2 name, $3 now, $4 input, $5 epoch: a terminal instance made Pending again (its data already deleted).</summary>
    public string ResetInstance { get; } = $"""
        UPDATE {s}.instances SET name = $2, status = 'Pending', created_at = $3, updated_at = $3, history_epoch = $5,
            completed_at = NULL, input = $4, output = NULL, custom_status = NULL, failure = NULL, parent_instance_id = NULL,
            next_wake_at = NULL, locked_by = NULL, lock_token = NULL, locked_until = NULL
        WHERE instance_id = $1
        """;

    /// <summary>$1 id: its history, inbox and tasks (not the row).</summary>
    public string DeleteInstanceData { get; } = $"""
        WITH h AS (DELETE FROM {s}.history WHERE instance_id = $1),
        m AS (DELETE FROM {s}.inbox WHERE instance_id = $1)
        DELETE FROM {s}.tasks WHERE instance_id = $1
        """;

    /// <summary>$1 statuses, $2 created from (or null), $3 created before (or null), $4 a single id (or null): deletes
    /// the matching instances with their data; returns their ids.</summary>
    public string PurgeInstances { get; } = $"""
        WITH gone AS (
            DELETE FROM {s}.instances WHERE status = ANY($1)
                AND ($2::bigint IS NULL OR created_at >= $2) AND ($3::bigint IS NULL OR created_at < $3)
                AND ($4::text IS NULL OR instance_id = $4)
            RETURNING instance_id),
        h AS (DELETE FROM {s}.history WHERE instance_id IN (SELECT instance_id FROM gone)),
        m AS (DELETE FROM {s}.inbox WHERE instance_id IN (SELECT instance_id FROM gone)),
        t AS (DELETE FROM {s}.tasks WHERE instance_id IN (SELECT instance_id FROM gone))
        SELECT instance_id FROM gone
        """;

    /// <summary>$1 id, $2 from sequence.</summary>
    public string SelectHistory { get; } = $"SELECT event FROM {s}.history WHERE instance_id = $1 AND sequence >= $2 ORDER BY sequence";

    /// <summary>$1 id.</summary>
    public string SelectPendingTasks { get; } = $"""
        SELECT name, queue, task_id, attempt, enqueued_at, visible_at, dispatch_count, locked_by, locked_until, heartbeat_details
        FROM {s}.tasks WHERE instance_id = $1 ORDER BY id
        """;

    /// <summary>$1 id.</summary>
    public string SelectPendingMessages { get; } =
        $"SELECT event_type, event, enqueued_at, visible_at, dequeue_count FROM {s}.inbox WHERE instance_id = $1 ORDER BY id";

    /// <summary>
    /// $1 ids: the targets of waking messages, held (KEY SHARE) until the transaction ends, before the messages go
    /// in. A step's commit locks its instance FOR UPDATE, which waits for these and blocks new ones, so a step's
    /// <see cref="RefreshWake"/> and a message's wake-up never miss each other; KEY SHARE locks do not conflict
    /// with one another, so results arriving together never queue behind one another on the instance's row.
    /// </summary>
    public string HoldTargets { get; } = $"SELECT 1 FROM {s}.instances WHERE instance_id = ANY($1) ORDER BY instance_id FOR KEY SHARE";

    /// <summary>
    /// $1 target ids, $2 generations, $3 event types, $4 events, $5 wakes, $6 visible at (arrays, one element a
    /// message), $7 now. Inserts the messages whose target exists, in order, and brings their targets' wake-up
    /// times forward where that moves them (usually it does not: the instance is already due, and its row is
    /// left alone); returns how many were inserted. Runs after <see cref="HoldTargets"/>, in a later statement,
    /// so it sees the last step's commit.
    /// </summary>
    public string InsertMessages { get; } = $"""
        WITH m AS (
            SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bool[], $6::bigint[]) WITH ORDINALITY
                AS m(instance_id, generation, event_type, event, wakes, visible_at, ord)),
        ins AS (
            INSERT INTO {s}.inbox (instance_id, generation, event_type, event, wakes, enqueued_at, visible_at)
            SELECT m.instance_id, m.generation, m.event_type, m.event, m.wakes, $7, m.visible_at FROM m
            WHERE EXISTS (SELECT 1 FROM {s}.instances i WHERE i.instance_id = m.instance_id)
            ORDER BY m.ord
            RETURNING instance_id, wakes, visible_at),
        woken AS (
            UPDATE {s}.instances i SET next_wake_at = w.at
            FROM (SELECT instance_id, MIN(visible_at) AS at FROM ins WHERE wakes GROUP BY instance_id) w
            WHERE i.instance_id = w.instance_id AND (i.next_wake_at IS NULL OR i.next_wake_at > w.at)
            RETURNING 1)
        SELECT COUNT(*)::int FROM ins
        """;

    /// <summary>$1 channel, $2 payloads.</summary>
    public string Notify { get; } = "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p";

    // ---- orchestrations ----

    /// <summary>
    /// $1 now, $2 worker, $3 token, $4 locked until. Locks the instance whose waking message is due first
    /// (skipping rows other workers are locking this moment; NO KEY UPDATE, so messages arriving meanwhile do
    /// not make it skip) and takes its visible messages, raising their dequeue counts. One row: the instance columns, its history epoch, then the messages as parallel arrays.
    /// </summary>
    public string LockOrchestration { get; } = $"""
        WITH next AS (
            SELECT instance_id FROM {s}.instances
            WHERE next_wake_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
            ORDER BY next_wake_at LIMIT 1
            FOR NO KEY UPDATE SKIP LOCKED),
        locked AS (
            UPDATE {s}.instances i SET locked_by = $2, lock_token = $3, locked_until = $4
            FROM next WHERE i.instance_id = next.instance_id
            RETURNING i.*),
        taken AS (
            UPDATE {s}.inbox m SET dequeue_count = m.dequeue_count + 1
            FROM locked WHERE m.instance_id = locked.instance_id AND m.visible_at <= $1
            RETURNING m.id, m.event, m.generation, m.enqueued_at, m.dequeue_count)
        SELECT {InstanceColumns}, history_epoch,
            (SELECT array_agg(id ORDER BY id) FROM taken), (SELECT array_agg(event ORDER BY id) FROM taken),
            (SELECT array_agg(generation ORDER BY id) FROM taken), (SELECT array_agg(enqueued_at ORDER BY id) FROM taken),
            (SELECT array_agg(dequeue_count ORDER BY id) FROM taken)
        FROM locked
        """;

    /// <summary>
    /// $1 id, $2 token, $3 name, $4 status, $5 generation, $6 input, $7 output, $8 custom status, $9 failure,
    /// $10 parent, $11 updated at, $12 completed at, $13 new history epoch (null: keep). The fence of a step:
    /// applies the instance's new state and unlocks it, or raises lock_lost, which aborts the transaction.
    /// </summary>
    public string FenceOrchestration { get; } = $"""
        WITH f AS (
            UPDATE {s}.instances SET name = $3, status = $4, generation = $5, input = $6, output = $7, custom_status = $8,
                failure = $9, parent_instance_id = $10, updated_at = $11, completed_at = $12,
                locked_by = NULL, lock_token = NULL, locked_until = NULL, history_epoch = COALESCE($13, history_epoch)
            WHERE instance_id = $1 AND lock_token = $2
            RETURNING 1)
        SELECT CASE WHEN EXISTS (SELECT 1 FROM f) THEN 1 ELSE {s}.lock_lost('instance ' || $1) END
        """;

    /// <summary>$1 id, $2 token: unlocks the instance, or raises lock_lost.</summary>
    public string UnlockOrchestration { get; } = $"""
        WITH f AS (
            UPDATE {s}.instances SET locked_by = NULL, lock_token = NULL, locked_until = NULL
            WHERE instance_id = $1 AND lock_token = $2
            RETURNING 1)
        SELECT CASE WHEN EXISTS (SELECT 1 FROM f) THEN 1 ELSE {s}.lock_lost('instance ' || $1) END
        """;

    /// <summary>$1 ids: a step's instance and the targets of its waking messages, locked FOR UPDATE in one order (by
    /// id), so two steps messaging each other's instances never deadlock, and held against senders of waking
    /// messages (see <see cref="HoldTargets"/>). The first statement of a step's commit.</summary>
    public string LockForStep { get; } = $"SELECT 1 FROM {s}.instances WHERE instance_id = ANY($1) ORDER BY instance_id FOR UPDATE";

    /// <summary>$1 id.</summary>
    public string DeleteHistory { get; } = $"DELETE FROM {s}.history WHERE instance_id = $1";

    /// <summary>$1 id, $2 first sequence, $3 event types, $4 events: events at fixed sequence numbers, so the
    /// history's primary key refuses an append that would double it.</summary>
    public string AppendHistory { get; } = $"""
        INSERT INTO {s}.history (instance_id, sequence, event_type, event)
        SELECT $1, $2 + h.ord - 1, h.event_type, h.event
        FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS h(event_type, event, ord)
        """;

    /// <summary>$1 message ids.</summary>
    public string DeleteMessages { get; } = $"DELETE FROM {s}.inbox WHERE id = ANY($1)";

    /// <summary>$1 message ids, $2 visible at.</summary>
    public string HideMessages { get; } = $"UPDATE {s}.inbox SET visible_at = $2 WHERE id = ANY($1)";

    /// <summary>$1 id.</summary>
    public string DeleteTasks { get; } = $"DELETE FROM {s}.tasks WHERE instance_id = $1";

    /// <summary>$1 ids, $2 names, $3 created at, $4 parents, $5 epochs: children created unless they exist.</summary>
    public string InsertChildren { get; } = $"""
        INSERT INTO {s}.instances (instance_id, name, status, generation, created_at, updated_at, parent_instance_id, history_epoch)
        SELECT c.instance_id, c.name, 'Pending', 0, c.created_at, c.created_at, c.parent, c.epoch
        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS c(instance_id, name, created_at, parent, epoch)
        ON CONFLICT (instance_id) DO NOTHING
        """;

    /// <summary>$1 instance, then arrays: $2 generations, $3 task ids, $4 names, $5 queues, $6 inputs, $7 attempts,
    /// $8 enqueued at, $9 heartbeat details, $10 heartbeat timeouts (ticks).</summary>
    public string InsertTasks { get; } = $"""
        INSERT INTO {s}.tasks (instance_id, generation, task_id, name, queue, input, attempt, enqueued_at, visible_at, heartbeat_details, heartbeat_timeout_ticks)
        SELECT $1, t.generation, t.task_id, t.name, t.queue, t.input, t.attempt, t.enqueued_at, t.enqueued_at, t.details, t.timeout
        FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::bigint[]) WITH ORDINALITY
            AS t(generation, task_id, name, queue, input, attempt, enqueued_at, details, timeout, ord)
        ORDER BY t.ord
        """;

    /// <summary>$1 id: the wake-up time recomputed from the inbox (after messages were consumed or hidden), returned.</summary>
    public string RefreshWake { get; } =
        $"UPDATE {s}.instances SET next_wake_at = (SELECT MIN(visible_at) FROM {s}.inbox WHERE instance_id = $1 AND wakes) WHERE instance_id = $1 RETURNING next_wake_at";

    /// <summary>
    /// $1 channel, $2 id, $3 now: the orchestration wake-up for a message just sent to the instance, only when no
    /// live lock holds it. A holder needs none: its own commit finds the message (see <see cref="RefreshWake"/>), and
    /// waking every process for an instance only one can take is the fan-in's largest waste. Runs after the insert,
    /// which waited for any commit holding the instance's row, so it sees that commit's unlock.
    /// </summary>
    public string NotifyIfUnlocked { get; } = $"""
        SELECT pg_notify($1, 'o') FROM {s}.instances
        WHERE instance_id = $2 AND (locked_until IS NULL OR locked_until <= $3) AND next_wake_at <= $3
        """;

    // ---- activities ----

    /// <summary>$1 queue, $2 now, $3 max, $4 worker, $5 token prefix, $6 locked until: the oldest visible tasks of
    /// the queue that no other worker is locking this moment, each with its own token.</summary>
    public string LockActivities { get; } = $"""
        WITH picked AS (
            SELECT id FROM {s}.tasks WHERE queue = $1 AND visible_at <= $2
            ORDER BY visible_at, id LIMIT $3
            FOR UPDATE SKIP LOCKED)
        UPDATE {s}.tasks t SET locked_by = $4, lock_token = $5 || '-' || t.id, locked_until = $6, visible_at = $6,
            dispatch_count = t.dispatch_count + 1
        FROM picked WHERE t.id = picked.id
        RETURNING t.id, t.instance_id, t.generation, t.task_id, t.name, t.queue, t.input, t.attempt, t.dispatch_count,
            t.enqueued_at, t.heartbeat_details, t.heartbeat_timeout_ticks, t.lock_token
        """;

    /// <summary>$1 id, $2 token, $3 locked until, $4 store details, $5 details.</summary>
    public string RenewActivity { get; } = $"""
        UPDATE {s}.tasks SET locked_until = $3, visible_at = $3, heartbeat_details = CASE WHEN $4 THEN $5 ELSE heartbeat_details END
        WHERE id = $1 AND lock_token = $2
        """;

    /// <summary>$1 id, $2 token: deletes the task, or raises lock_lost.</summary>
    public string FenceActivity { get; } = $"""
        WITH f AS (DELETE FROM {s}.tasks WHERE id = $1 AND lock_token = $2 RETURNING 1)
        SELECT CASE WHEN EXISTS (SELECT 1 FROM f) THEN 1 ELSE {s}.lock_lost('task ' || $1::text) END
        """;

    /// <summary>$1 id, $2 token, $3 visible at: released, its dispatch not counted.</summary>
    public string AbandonActivity { get; } = $"""
        UPDATE {s}.tasks SET locked_by = NULL, lock_token = NULL, locked_until = NULL, visible_at = $3, dispatch_count = dispatch_count - 1
        WHERE id = $1 AND lock_token = $2
        """;

    /// <summary>$1 now.</summary>
    public string ActivityDepths { get; } = $"SELECT queue, COUNT(*)::int FROM {s}.tasks WHERE visible_at <= $1 GROUP BY queue";

    /// <summary>$1 now.</summary>
    public string OrchestrationDepth { get; } = $"SELECT COUNT(*)::int FROM {s}.instances WHERE next_wake_at <= $1";
}
