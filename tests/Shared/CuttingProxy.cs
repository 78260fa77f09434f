using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RankDistill.Testing;

/// <summary>
/// A TCP proxy on a loopback port in front of a local server (Azurite) that cuts uploads for real. While it has cuts
/// left, a request whose body is longer than <see cref="CutAfterBodyBytes"/> gets exactly that many body bytes through,
/// then its connection is reset both ways, as a dropped network connection ends an upload midway. Requests are found
/// by their HTTP/1.1 headers and Content-Length (what the Azure SDK sends); all else passes untouched.
/// </summary>
public sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly System.Collections.Concurrent.ConcurrentBag<Task> _relays = [];
    private int _cutsLeft;
    private int _cuts;

    /// <param name="upstreamPort">The loopback port of the server behind the proxy.</param>
    /// <param name="cutAfterBodyBytes">Body bytes a cut request gets through before its connection is reset.</param>
    /// <param name="cuts">How many requests to cut; later ones pass whole.</param>
    public CuttingProxy(int upstreamPort, long cutAfterBodyBytes, int cuts)
    {
        _upstreamPort = upstreamPort;
        CutAfterBodyBytes = cutAfterBodyBytes;
        _cutsLeft = cuts;
        // Port 0: the system picks a free port at bind time, so no other process can take it first.
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public long CutAfterBodyBytes { get; }

    /// <summary>Requests cut so far.</summary>
    public int Cuts => Volatile.Read(ref _cuts);

    /// <summary>Lets every later request through whole (one being cut right now still is).</summary>
    public void StopCutting() => Interlocked.Exchange(ref _cutsLeft, 0);

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _relays.Add(RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        Task back = Task.CompletedTask, forward = Task.CompletedTask;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            back = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            var cut = ForwardAsync(client.GetStream(), server.GetStream());
            forward = cut;
            if (await Task.WhenAny(back, cut) == cut && await cut)
            {
                Interlocked.Increment(ref _cuts);
                // Linger 0: closing sends a reset, not an orderly end, to both sides.
                client.Client.LingerState = new LingerOption(true, 0);
                server.Client.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (IsConnectionEnd(e))
        {
            // One side went away: the relay ends with it.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
            try
            {
                await Task.WhenAll(back, forward);
            }
            catch (Exception e) when (IsConnectionEnd(e))
            {
                // The other direction ends on the closed sockets.
            }
        }
    }

    private static bool IsConnectionEnd(Exception e) => e is IOException or SocketException or OperationCanceledException or ObjectDisposedException;

    /// <summary>Copies the client's requests to the server; true when it cut one (the caller then resets the connection).</summary>
    private async Task<bool> ForwardAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 << 10];
        var header = new MemoryStream();
        long bodyLeft = 0, bodySent = 0;
        var cutThis = false;
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
                return false;
            var at = 0;
            while (at < read)
            {
                if (bodyLeft > 0)
                {
                    var take = (int)Math.Min(bodyLeft, read - at);
                    if (cutThis && bodySent + take >= CutAfterBodyBytes)
                    {
                        await to.WriteAsync(buffer.AsMemory(at, (int)(CutAfterBodyBytes - bodySent)), _stop.Token);
                        await to.FlushAsync(_stop.Token);
                        return true;
                    }
                    await to.WriteAsync(buffer.AsMemory(at, take), _stop.Token);
                    (at, bodyLeft, bodySent) = (at + take, bodyLeft - take, bodySent + take);
                    continue;
                }
                header.WriteByte(buffer[at++]);
                if (!EndsWithBlankLine(header))
                    continue;
                await to.WriteAsync(header.GetBuffer().AsMemory(0, (int)header.Length), _stop.Token);
                (bodyLeft, bodySent) = (ContentLength(header), 0);
                cutThis = bodyLeft > CutAfterBodyBytes && TakeCut();
                header.SetLength(0);
            }
        }
    }

    private bool TakeCut()
    {
        while (true)
        {
            var left = Volatile.Read(ref _cutsLeft);
            if (left <= 0)
                return false;
            if (Interlocked.CompareExchange(ref _cutsLeft, left - 1, left) == left)
                return true;
        }
    }

    private static bool EndsWithBlankLine(MemoryStream header)
    {
        var bytes = header.GetBuffer();
        var n = (int)header.Length;
        return n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
    }

    private static long ContentLength(MemoryStream header)
    {
        foreach (var line in Encoding.ASCII.GetString(header.GetBuffer(), 0, (int)header.Length).Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return long.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_relays);
        _stop.Dispose();
    }
}
