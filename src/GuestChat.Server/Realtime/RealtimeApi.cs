using System.Net.WebSockets;
using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Devices;
using GuestChat.Server.Web;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Realtime;

/// <summary>
/// <c>/ws/member?device=</c> and <c>/ws/guest</c>: one socket per member device or guest, authenticated by its
/// cookie, from our own origin only. <see cref="ConnectionHeartbeat"/> closes dead sockets (by default a client
/// silent for 15 s is pinged and has 15 s to answer).
/// </summary>
public static class RealtimeApi
{
    private static readonly System.Security.Claims.ClaimsPrincipal s_nobody = new();

    public static IEndpointRouteBuilder MapRealtime(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ws/member", MemberAsync).RequireAuthorization(Sessions.MemberPolicy);
        app.MapGet("/ws/guest", (Delegate)GuestAsync).RequireAuthorization(Sessions.GuestPolicy);
        return app;
    }

    private static async Task<IResult> MemberAsync(
        string? device, HttpContext context, IDeviceStore devices, CancellationToken cancellationToken)
    {
        if (Refusal(context) is { } refusal)
        {
            return refusal;
        }
        var member = context.User.GetMemberId();
        if (!DeviceId.TryParse(device, out var deviceId)
            || await devices.FindAsync(deviceId, cancellationToken) is not { } found || found.MemberId != member)
        {
            return Problems.NotFound(ErrorCodes.DeviceNotFound, "This device is not one of yours.");
        }
        await RunAsync(context, Peer.ForMember(member, deviceId));
        return Results.Empty;
    }

    private static async Task<IResult> GuestAsync(HttpContext context)
    {
        if (Refusal(context) is { } refusal)
        {
            return refusal;
        }
        await RunAsync(context, Peer.ForGuest(context.User.GuestChatId()));
        return Results.Empty;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Refusal(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.Validation, "Expected a WebSocket upgrade.");
        }
        var web = context.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value;
        return Origins.IsAllowed(context, web, required: true)
            ? null
            : Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.Csrf, "WebSockets are accepted only from this site's own pages.");
    }

    private static async Task RunAsync(HttpContext context, Peer peer)
    {
        // The socket may live for days: keep the peer, not the request's principal and authentication ticket.
        context.User = s_nobody;
        // No keep-alive timer of the WebSocket's own (one per socket): ConnectionHeartbeat pings for all of them.
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        await RunAsync(socket, peer, context.RequestServices, SocketUpgrade.Http, context.RequestAborted);
    }

    /// <summary>
    /// Runs an accepted socket until it closes, whichever path upgraded it (<see cref="ConnectionUpgrade"/> or
    /// the HTTP endpoints above); <paramref name="aborted"/> fires when the connection is gone.
    /// </summary>
    internal static Task RunAsync(WebSocket socket, Peer peer, IServiceProvider services, SocketUpgrade upgrade, CancellationToken aborted) =>
        new ClientConnection(socket, peer, upgrade, services.GetRequiredService<RealtimeServices>()).RunAsync(aborted);
}
