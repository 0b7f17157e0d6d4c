using System.Net;
using System.Net.Sockets;

namespace GuestChat.Bench.Clients;

/// <summary>
/// Opens client sockets to a loopback server from several source addresses (127.0.0.2, 127.0.0.3, ...), so that
/// tens of thousands of connections do not run out of ephemeral ports on one address. WebSockets are opened
/// through <see cref="Invoker"/>, whose connect callback binds each socket before it connects.
/// </summary>
public sealed class LoopbackConnector : IDisposable
{
    private const int IpProtocolLevel = 0;        // SOL_IP
    private const int BindAddressNoPort = 24;     // IP_BIND_ADDRESS_NO_PORT: pick the port at connect, per 4-tuple
    private readonly IPAddress[] _sources;
    private int _next;

    public LoopbackConnector(int sourceAddressCount)
    {
        _sources = Enumerable.Range(2, Math.Clamp(sourceAddressCount, 1, 250))
            .Select(last => new IPAddress(new byte[] { 127, 0, 0, (byte)last }))
            .ToArray();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public int SourceAddressCount => _sources.Length;

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var source = _sources[(int)((uint)Interlocked.Increment(ref _next) % (uint)_sources.Length)];
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetRawSocketOption(IpProtocolLevel, BindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
