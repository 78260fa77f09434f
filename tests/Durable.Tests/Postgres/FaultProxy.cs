using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RankDistill.Durable.Tests.Postgres;

/// <summary>
/// A TCP proxy between the backend and the real PostgreSQL server that cuts connections for real, at
/// a chosen point of the protocol: it reads the client's messages (PostgreSQL's frontend framing: an
/// untyped start-up packet, then a type byte and a length per message) and, when the SQL of a simple
/// query or a parse matches an armed fault, closes both sockets either before forwarding it (the server
/// never sees it, and rolls the open transaction back) or once the server has replied to it (the server
/// finished it, e.g. committed; the client never learns). The server's bytes are passed through unread.
/// Connections must not use TLS (<c>SSL Mode=Disable</c>), so the messages are readable.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private const int SslRequest = 80877103;
    private const int GssEncRequest = 80877104;
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

    /// <summary>COMMITs seen so far, the current one included (a fault's predicate can count on it).</summary>
    public int Commits => Volatile.Read(ref _commits);

    public static FaultProxy Start(int serverPort)
    {
        var proxy = new FaultProxy(serverPort);
        proxy._listener.Start();
        proxy._accepting = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>The server's connection string pointed at this proxy, without TLS.</summary>
    public string Rewrite(string connectionString, string applicationName) =>
        new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            Port = Port,
            SslMode = Npgsql.SslMode.Disable,
            GssEncryptionMode = Npgsql.GssEncryptionMode.Disable,
            ApplicationName = applicationName,
        }.ConnectionString;

    /// <summary>Cuts the connection of the next message whose SQL satisfies <paramref name="matches"/>: before
    /// forwarding it, or (<paramref name="afterReply"/>) once the server has answered it.</summary>
    public void Arm(Func<string, bool> matches, bool afterReply)
    {
        lock (_gate)
            _faults.Add(new Fault(matches, afterReply));
    }

    /// <summary>Cuts at the next COMMIT.</summary>
    public void ArmCommit(bool afterReply) => Arm(IsCommit, afterReply);

    public static bool IsCommit(string sql) => sql.TrimStart().StartsWith("COMMIT", StringComparison.OrdinalIgnoreCase);

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
        // Start-up: untyped packets (a TLS or GSS request, answered by one byte, then the start-up message).
        while (true)
        {
            await client.ReadExactlyAsync(header.AsMemory(0, 4), _stop.Token);
            var packet = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
            header.AsSpan(0, 4).CopyTo(packet);
            await client.ReadExactlyAsync(packet.AsMemory(4), _stop.Token);
            var code = BinaryPrimitives.ReadInt32BigEndian(packet.AsSpan(4));
            await server.WriteAsync(packet, _stop.Token);
            if (code is not (SslRequest or GssEncRequest))
                break;
        }
        while (true)
        {
            await client.ReadExactlyAsync(header, _stop.Token);
            var message = new byte[1 + BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
            header.CopyTo(message, 0);
            await client.ReadExactlyAsync(message.AsMemory(5), _stop.Token);
            var fault = Take(Sql(message));
            if (fault is { AfterReply: false })
                return;
            if (fault is { AfterReply: true })
            {
                var replied = serverSide.CutAtNextReply();
                await server.WriteAsync(message, _stop.Token);
                await replied;
                return;
            }
            await server.WriteAsync(message, _stop.Token);
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
        if (IsCommit(sql))
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

    /// <summary>Passes the server's bytes to the client, or, once armed, swallows the next reply and ends.</summary>
    private sealed class ServerSide(NetworkStream server, NetworkStream client)
    {
        private TaskCompletionSource? _cut;

        /// <summary>Completes when the server's next bytes arrive (they are not passed on).</summary>
        public Task CutAtNextReply()
        {
            var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _cut, cut);
            return cut.Task;
        }

        public async Task PumpAsync(CancellationToken stopping)
        {
            var buffer = new byte[16 * 1024];
            while (true)
            {
                var n = await server.ReadAsync(buffer, stopping);
                if (n == 0)
                    return;
                if (Volatile.Read(ref _cut) is { } cut)
                {
                    cut.TrySetResult();
                    return;
                }
                await client.WriteAsync(buffer.AsMemory(0, n), stopping);
            }
        }
    }
}
