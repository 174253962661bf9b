using System.Net;
using System.Net.Sockets;

namespace CrmBot.Teams.Tests.Fakes;

/// <summary>
/// A free port for a fake server that must keep one address while it goes away and comes back. Taken below the
/// ephemeral ranges (Linux 32768–60999, Windows and macOS 49152–65535): a port from the ephemeral range, once probed and
/// released, can be handed to another test's server bound to port 0 before this one binds it ("address already in use").
/// </summary>
public static class FixedPort
{
    private const int First = 20_000;
    private const int Count = 12_000;

    public static int Pick()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = First + Random.Shared.Next(Count);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: another one
            }
        }
        throw new InvalidOperationException($"No free port in {First}–{First + Count - 1} after 100 tries.");
    }
}
