using System.Net.WebSockets;
using GuestChat.Server.Realtime;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Server.Tests.Realtime;

public sealed class HeartbeatTests
{
    /// <summary>
    /// A client that stops reading never answers the server's pings: its socket is closed and forgotten.
    /// (Heartbeats are shortened by configuration; by default a ping every 15 s and 15 s to answer.)
    /// </summary>
    [Fact]
    public async Task ASocketThatDoesNotAnswerPingsIsClosed()
    {
        var options = new GuestChatHostOptions { RelaxRateLimits = true };
        options.Configuration["GuestChat:Realtime:KeepAliveInterval"] = "00:00:00.2";
        options.Configuration["GuestChat:Realtime:KeepAliveTimeout"] = "00:00:02"; // room for the live client on a busy machine
        await using var host = await GuestChatHost.StartAsync(options);
        using var conversation = await Conversation.StartAsync(host);
        await using var alive = await conversation.ConnectMemberAsync(); // reads, so it answers pings
        await alive.WaitForAsync<ReadyFrame>();
        using var dead = new ClientWebSocket();
        dead.Options.Cookies = conversation.Guest.Cookies;
        dead.Options.SetRequestHeader("Origin", conversation.Guest.Origin);
        dead.Options.KeepAliveInterval = TimeSpan.Zero;
        await dead.ConnectAsync(new Uri(conversation.Guest.BaseUri, "ws/guest").ToWebSocket(), CancellationToken.None);
        var relay = host.Services.GetRequiredService<InProcessRelay>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await WaitUntilAsync(() => relay.ConnectedCount == 2, patience.Token); // registered just after the upgrade

        // Never reading, the dead client never answers; wait (bounded) for the server to drop it.
        await WaitUntilAsync(() => relay.ConnectedCount == 1, patience.Token);

        await alive.SendAsync(new PingFrame());
        await alive.WaitForAsync<PongFrame>(); // the live socket, answering pings all along, is still open
        Assert.Equal(1, relay.ConnectedCount);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}

internal static class UriExtensions
{
    public static Uri ToWebSocket(this Uri uri) => new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws" }.Uri;
}
