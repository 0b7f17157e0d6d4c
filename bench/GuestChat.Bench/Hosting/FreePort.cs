using System.Net;
using System.Net.Sockets;

namespace GuestChat.Bench.Hosting;

/// <summary>A loopback TCP port that was free a moment ago (the kernel's choice for port 0).</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
