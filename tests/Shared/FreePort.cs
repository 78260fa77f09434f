using System.Net;
using System.Net.Sockets;

namespace RankDistill.Testing;

/// <summary>Free TCP ports on 127.0.0.1, asked of the OS so parallel tests never collide on a fixed number.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
