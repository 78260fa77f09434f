using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>
/// A TCP proxy between a backend and the real PostgreSQL server that cuts connections for real, at a chosen
/// point of the protocol. It reads both directions' messages (PostgreSQL's framing: a type byte and a length,
/// after the client's untyped start-up packet) and, when the SQL of a simple query or of a parse matches an armed fault,
/// closes both sockets either before forwarding it (the server never sees it or anything after it, so it rolls
/// the open transaction back) or once the server has finished the exchange it belongs to (up to its Sync, or the
/// simple query itself) and said so with ReadyForQuery, which the client never receives: the server committed,
/// the client cannot know. Connections must not use TLS (<see cref="Rewrite"/> turns it off).
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private readonly List<Task> _connections = [];
    private Task _accepting = Task.CompletedTask;
    private int _cuts;
    private int _commits;

    private FaultProxy(int serverPort) => _serverPort = serverPort;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Faults taken so far (each cuts its connection).</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Writes seen so far, the current one included: COMMITs, and the fence statements that open the
    /// worker's one-batch writes (a fault's predicate can count on it).</summary>
    public int Writes => Volatile.Read(ref _commits);

    public static FaultProxy Start(int serverPort)
    {
        var proxy = new FaultProxy(serverPort);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>The server's connection string pointed at this proxy: no TLS, and no prepared statements, so every
    /// statement travels with its SQL and faults can match it.</summary>
    public string Rewrite(string connectionString, string applicationName) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            Port = Port,
            SslMode = Npgsql.SslMode.Disable,
            GssEncryptionMode = Npgsql.GssEncryptionMode.Disable,
            ApplicationName = applicationName,
            MaxAutoPrepare = 0,
        }.ConnectionString;

    /// <summary>Cuts the connection of the next message whose SQL satisfies <paramref name="matches"/>: before
    /// forwarding it, or (<paramref name="afterReply"/>) once the server has finished its exchange.</summary>
    public void Arm(Func<string, bool> matches, bool afterReply)
    {
        lock (_gate)
            _faults.Add(new Fault(matches, afterReply));
    }

    /// <summary>Cuts at the next write: a COMMIT, or the fence that opens a one-batch write.</summary>
    public void ArmWrite(bool afterReply) => Arm(IsWrite, afterReply);

    public static bool IsWrite(string sql) =>
        sql.TrimStart().StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase) || sql.Contains(".lock_lost(", StringComparison.Ordinal);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_gate)
                    _connections.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _serverPort, _stop.Token);
            var fromServer = new ServerSide(server.GetStream(), client.GetStream());
            var toServer = ForwardClientAsync(client.GetStream(), server.GetStream(), fromServer);
            await Task.WhenAny(toServer, fromServer.PumpAsync(_stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A side closed or was cut: the relay ends, and the using blocks close both sockets.
        }
    }

    /// <summary>Forwards the client's messages one by one, applying armed faults.</summary>
    private async Task ForwardClientAsync(NetworkStream client, NetworkStream server, ServerSide serverSide)
    {
        var header = new byte[5];
        // Start-up: one untyped packet (Rewrite turned off TLS and GSS encryption, whose requests would come first).
        await client.ReadExactlyAsync(header.AsMemory(0, 4), _stop.Token);
        var startup = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
        header.AsSpan(0, 4).CopyTo(startup);
        await client.ReadExactlyAsync(startup.AsMemory(4), _stop.Token);
        await server.WriteAsync(startup, _stop.Token);
        Task? cutWhenReady = null;
        while (true)
        {
            await client.ReadExactlyAsync(header, _stop.Token);
            var message = new byte[1 + BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
            header.CopyTo(message, 0);
            await client.ReadExactlyAsync(message.AsMemory(5), _stop.Token);
            if (cutWhenReady is null && Take(Sql(message)) is { } fault)
            {
                if (!fault.AfterReply)
                    return;
                cutWhenReady = serverSide.SwallowUntilReady();
            }
            await server.WriteAsync(message, _stop.Token);
            // A simple query or a Sync ends the exchange: the server replies, ends with ReadyForQuery, and is cut.
            if (cutWhenReady is not null && message[0] is (byte)'Q' or (byte)'S')
            {
                await cutWhenReady;
                return;
            }
        }
    }

    /// <summary>The SQL of a simple query ('Q') or a parse ('P': statement name, then the SQL); null for other messages.</summary>
    private static string? Sql(byte[] message)
    {
        var body = message.AsSpan(5);
        if (message[0] == (byte)'P')
            body = body[(body.IndexOf((byte)0) + 1)..];
        else if (message[0] != (byte)'Q')
            return null;
        var end = body.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? body : body[..end]);
    }

    private Fault? Take(string? sql)
    {
        if (sql is null)
            return null;
        if (IsWrite(sql))
            Interlocked.Increment(ref _commits);
        lock (_gate)
        {
            var fault = _faults.FirstOrDefault(f => f.Matches(sql));
            if (fault is not null)
            {
                _faults.Remove(fault);
                Interlocked.Increment(ref _cuts);
            }
            return fault;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] left;
        lock (_gate)
            left = [.. _connections];
        await Task.WhenAll(left);
        _stop.Dispose();
    }

    private sealed record Fault(Func<string, bool> Matches, bool AfterReply);

    /// <summary>Passes the server's messages to the client; once told, swallows them until ReadyForQuery, then ends.</summary>
    private sealed class ServerSide(NetworkStream server, NetworkStream client)
    {
        private TaskCompletionSource? _ready;

        /// <summary>From now on nothing reaches the client; completes when the server says ReadyForQuery.</summary>
        public Task SwallowUntilReady()
        {
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _ready, ready);
            return ready.Task;
        }

        public async Task PumpAsync(CancellationToken stopping)
        {
            var header = new byte[5];
            while (true)
            {
                await server.ReadExactlyAsync(header, stopping);
                var message = new byte[1 + BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
                header.CopyTo(message, 0);
                await server.ReadExactlyAsync(message.AsMemory(5), stopping);
                if (Volatile.Read(ref _ready) is { } ready)
                {
                    if (message[0] == (byte)'Z')
                    {
                        ready.TrySetResult();
                        return;
                    }
                    continue;
                }
                await client.WriteAsync(message, stopping);
            }
        }
    }
}
