using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text;
using GuestChat.Server.Accounts;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Devices;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GuestChat.Server.Realtime;

/// <summary>
/// Kestrel connection middleware that takes a browser's socket over before HTTP does. A connection whose first
/// bytes are a well-formed upgrade to <c>/ws/member?device=</c> or <c>/ws/guest</c> (<see cref="UpgradeRequest"/>),
/// from our own origin, with a valid session cookie (checked by the same authentication handlers as every HTTP
/// request) and, for a member, one of the member's devices, is answered <c>101</c> here and becomes a WebSocket on
/// the raw transport. Everything else, refusals included, goes to Kestrel's HTTP path untouched, which answers as
/// it always has (<see cref="RealtimeApi"/>).
/// <para>
/// Why: the HTTP path keeps the HTTP/1.1 connection, its <c>HttpContext</c>, headers and request scope alive for
/// the socket's whole life, about 18 KB per idle socket before GuestChat adds anything (docs/performance.md). The
/// framing, masking, UTF-8 checks and close handshake stay with .NET's own WebSocket
/// (<see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>).
/// </para>
/// </summary>
public sealed partial class ConnectionUpgrade(ConnectionDelegate next, IServiceProvider services)
{
    /// <summary>A browser sends its upgrade as soon as it connects; a connection slower than this takes the HTTP path.</summary>
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(5);

    private static readonly WebSocketCreationOptions SocketOptions = new()
    {
        IsServer = true,
        KeepAliveInterval = TimeSpan.Zero, // ConnectionHeartbeat pings for every socket
    };

    private readonly ILogger _logger = services.GetRequiredService<ILogger<ConnectionUpgrade>>();
    private readonly IOptions<WebOptions> _web = services.GetRequiredService<IOptions<WebOptions>>();
    private readonly StringSegment[] _allowedHosts = AllowedHosts(services.GetRequiredService<IConfiguration>()["AllowedHosts"]);

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (await TryUpgradeAsync(connection) is not { } peer)
        {
            await next(connection);
            return;
        }
        // Only the peer and the transport live on with the socket: the head, its cookie and the read are gone.
        using var socket = WebSocket.CreateFromStream(new TransportStream(connection.Transport), SocketOptions);
        await RealtimeApi.RunAsync(socket, peer, services, SocketUpgrade.Connection, connection.ConnectionClosed);
    }

    /// <summary>
    /// Answers <c>101</c> and returns the peer when the connection opens with an upgrade this path takes;
    /// otherwise returns null having consumed nothing, for the HTTP path to read from the first byte.
    /// </summary>
    private async Task<Peer?> TryUpgradeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var (read, request, end) = await ReadHeadAsync(input, connection.ConnectionClosed);
        if (read is not { } held)
        {
            return null; // timed out or cancelled: no read is held, nothing was consumed
        }
        Peer? peer = null;
        if (request is not null)
        {
            try
            {
                peer = await AuthenticateAsync(request, connection);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogAuthenticationFailed(_logger, e); // the HTTP path tries again and answers the client
            }
        }
        if (peer is null)
        {
            input.AdvanceTo(held.Buffer.Start); // give every byte back, as if never read
            return null;
        }
        input.AdvanceTo(end);
        // If the client is already gone, the socket's first write fails and the connection ends there.
        await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + $"Sec-WebSocket-Accept: {request!.AcceptKey()}\r\n\r\n"));
        return peer;
    }

    /// <summary>
    /// Reads until the head is complete or cannot be an upgrade. Returns the read still held (the caller advances
    /// it) with the request if it is one; no read when the client was too slow.
    /// </summary>
    private static async Task<(ReadResult? Read, UpgradeRequest? Request, SequencePosition End)> ReadHeadAsync(
        PipeReader input, CancellationToken closed)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(closed);
        timeout.CancelAfter(HeadTimeout);
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return (null, null, default);
            }
            var status = UpgradeRequest.TryRead(read.Buffer, out var request, out var end);
            if (status != HeadStatus.Incomplete || read.IsCompleted || read.IsCanceled)
            {
                return (read, request, end);
            }
            input.AdvanceTo(read.Buffer.Start, read.Buffer.End); // wait for more
        }
    }

    private async Task<Peer?> AuthenticateAsync(UpgradeRequest request, ConnectionContext connection)
    {
        var secure = connection.Features.Get<ITlsConnectionFeature>() is not null;
        if (!HostAllowed(request.Host) || !OriginAllowed(request, secure))
        {
            return null;
        }
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = connection.ConnectionClosed };
        http.Request.Method = HttpMethods.Get;
        http.Request.Scheme = secure ? "https" : "http";
        http.Request.Host = new HostString(request.Host);
        http.Request.Path = request.Path;
        if (request.Cookie is { } cookie)
        {
            http.Request.Headers.Cookie = cookie;
        }
        var result = await http.AuthenticateAsync(request.IsMember ? Sessions.MemberScheme : Sessions.GuestScheme);
        if (result.Principal is not { Identity.IsAuthenticated: true } user)
        {
            return null;
        }
        if (!request.IsMember)
        {
            return Peer.ForGuest(user.GuestChatId());
        }
        var member = user.GetMemberId();
        var device = await scope.ServiceProvider.GetRequiredService<IDeviceStore>().FindAsync(request.Device, connection.ConnectionClosed);
        return device?.MemberId == member ? Peer.ForMember(member, request.Device) : null;
    }

    /// <summary>
    /// Our own origin as this connection sees it, or the configured public one. A request that came through a
    /// proxy (<c>X-Forwarded-Proto</c>) matches only the public origin here: the HTTP path decides the rest.
    /// </summary>
    private bool OriginAllowed(UpgradeRequest request, bool secure) =>
        Origins.Matches(request.Origin, request.Forwarded ? null : $"{(secure ? "https" : "http")}://{request.Host}", _web.Value);

    /// <summary>The host filtering of <c>AllowedHosts</c>, by the framework's own matching.</summary>
    private bool HostAllowed(string host) => _allowedHosts.Length == 0 || HostString.MatchesAny(host, _allowedHosts);

    /// <summary>The entries of <c>AllowedHosts</c>; none when every host is allowed.</summary>
    private static StringSegment[] AllowedHosts(string? setting)
    {
        var hosts = (setting ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return hosts.Contains("*") ? [] : [.. hosts.Select(host => new StringSegment(host))];
    }

    [LoggerMessage(1, LogLevel.Warning, "Checking a WebSocket upgrade failed; the HTTP path answers it")]
    private static partial void LogAuthenticationFailed(ILogger logger, Exception exception);
}

/// <summary>Which path upgraded a socket: <see cref="ConnectionUpgrade"/>, or ASP.NET Core's HTTP pipeline.</summary>
public enum SocketUpgrade
{
    Connection,
    Http,
}
