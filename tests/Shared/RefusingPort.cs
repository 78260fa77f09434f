using System.Net;
using System.Net.Sockets;

namespace RankDistill.Testing;

/// <summary>
/// A loopback port where nothing listens, for as long as this is held: bound but not listening, so a connection is
/// refused, and no other process can bind the port meanwhile (a port merely found free can be taken before the test
/// connects, and then something answers).
/// </summary>
public sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
