using System.Net;

namespace RankDistill.Workflows.Dashboard;

/// <summary>Whether a Kestrel URL (<c>http://127.0.0.1:5080</c>, <c>http://localhost:5080</c>, <c>http://*:80</c>) is loopback only.</summary>
internal static class BindingAddresses
{
    public static bool IsValid(string url)
    {
        try
        {
            var address = BindingAddress.Parse(url);
            return address.Scheme is "http" or "https" && !address.IsNamedPipe && !address.IsUnixPipe;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// True for 127.0.0.0/8, ::1 and <c>localhost</c> (Kestrel binds it to both loopback addresses). Wildcards
    /// (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) and other host names bind every interface: not loopback.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        if (!IsValid(url))
            return false;
        var host = BindingAddress.Parse(url).Host;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <summary>Whether a request's Host header names this machine's loopback interface (DNS rebinding defence).</summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
            return false;
        var name = host.Host;
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(name.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
