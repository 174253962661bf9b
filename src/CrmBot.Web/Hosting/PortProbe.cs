using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace CrmBot.Web.Hosting;

/// <summary>
/// Finds a configured port that another program holds before Kestrel tries it. Kestrel's own failure reaches us only
/// after the host has logged it with its stack trace, which the one-line explanation (<see cref="StartupErrors"/>) is
/// there to replace; a host log filter that hid it would also hide background-service failures.
/// </summary>
public static class PortProbe
{
    /// <summary>Throws Kestrel's exception (IOException over AddressAlreadyInUse) for the first address already taken.</summary>
    public static void ThrowIfTaken(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            if (EndPointOf(url) is not { } endPoint)
                continue;
            using var probe = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // As Kestrel binds on Unix: a port whose last connections are still in TIME_WAIT is free to listen on.
            if (!OperatingSystem.IsWindows())
                probe.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            try
            {
                probe.Bind(endPoint);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new IOException($"Failed to bind to address {url}: address already in use.", e);
            }
            catch (SocketException)
            {
                // Anything else (no IPv4 loopback, a privileged port) is Kestrel's to handle: it may bind elsewhere.
            }
        }
    }

    /// <summary>The address a URL listens on; null for what is not probed (port 0, host names, pipes), which Kestrel reports itself.</summary>
    private static IPEndPoint? EndPointOf(string url)
    {
        BindingAddress address;
        try { address = BindingAddress.Parse(url); }
        catch (FormatException) { return null; }
        if (address.IsUnixPipe || address.Port <= 0)
            return null;
        var ip = address.Host.ToLowerInvariant() switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            var host => IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed : null,
        };
        return ip is null ? null : new IPEndPoint(ip, address.Port);
    }
}
