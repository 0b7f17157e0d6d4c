using System.Net.WebSockets;
using GuestChat.Server.Realtime;
using GuestChat.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Server.Tests.Realtime;

public sealed class HeartbeatTests
{
    /// <summary>
    /// A client that stops reading never answers the server's pings: its socket is closed and forgotten.
    /// (Heartbeats are shortened by configuration; by default a ping after 15 s of silence and 15 s to answer.)
    /// </summary>
    [Fact]
    public async Task ASocketThatDoesNotAnswerPingsIsClosed()
    {
        await using var host = await StartWithHeartbeatAsync(timeout: "00:00:02"); // room for the live client on a busy machine
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
        await Poll.UntilAsync(() => relay.ConnectedCount == 2, patience.Token); // registered just after the upgrade

        // Never reading, the dead client never answers; wait (bounded) for the server to drop it.
        await Poll.UntilAsync(() => relay.ConnectedCount == 1, patience.Token);

        await alive.SendAsync(new PingFrame());
        await alive.WaitForAsync<PongFrame>(); // the live socket, answering pings all along, is still open
        Assert.Equal(1, relay.ConnectedCount);
    }

    /// <summary>
    /// The server pings a silent client with a <c>ping</c> frame; one that reads but never answers is aborted,
    /// while one that answers with <c>pong</c> stays connected through many rounds.
    /// </summary>
    [Fact]
    public async Task ASilentClientIsPingedAndClosedUnlessItAnswers()
    {
        await using var host = await StartWithHeartbeatAsync(timeout: "00:00:01");
        using var conversation = await Conversation.StartAsync(host);
        await using var answering = await conversation.ConnectMemberAsync();
        await answering.WaitForAsync<ReadyFrame>();
        await using var mute = await conversation.ConnectGuestAsync();
        mute.AnswerPings = false;
        await mute.WaitForAsync<ReadyFrame>();

        await mute.WaitForAsync<ServerPingFrame>();
        await mute.ClosedAsync(); // aborted about a second after the unanswered ping
        Assert.NotEqual(WebSocketState.Open, mute.Socket.State);

        var relay = host.Services.GetRequiredService<InProcessRelay>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => relay.ConnectedCount == 1, patience.Token);
        await answering.SendAsync(new PingFrame());
        await answering.WaitForAsync<PongFrame>(); // pinged every 0.2 s of silence, answered each time: still open
        Assert.Equal(WebSocketState.Open, answering.Socket.State);
    }

    /// <summary>
    /// Short rounds, so that the pings of many idle sockets go out a few at a time rather than in bursts (a round pings
    /// every socket that fell due since the last): a sixtieth of the shorter period, between 25 ms and a second.
    /// </summary>
    [Fact]
    public void RoundsRunAtASixtiethOfTheShorterPeriodBetween25MillisecondsAndASecond()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), ConnectionHeartbeat.Round(new() { KeepAliveInterval = TimeSpan.FromSeconds(15), KeepAliveTimeout = TimeSpan.FromSeconds(20) }));
        Assert.Equal(TimeSpan.FromMilliseconds(250), ConnectionHeartbeat.Round(new())); // the defaults: 15 s and 15 s
        Assert.Equal(TimeSpan.FromMilliseconds(50), ConnectionHeartbeat.Round(new() { KeepAliveInterval = TimeSpan.FromSeconds(30), KeepAliveTimeout = TimeSpan.FromSeconds(3) }));
        Assert.Equal(TimeSpan.FromSeconds(1), ConnectionHeartbeat.Round(new() { KeepAliveInterval = TimeSpan.FromMinutes(10), KeepAliveTimeout = TimeSpan.FromMinutes(10) }));
        Assert.Equal(TimeSpan.FromMilliseconds(25), ConnectionHeartbeat.Round(new() { KeepAliveInterval = TimeSpan.FromMilliseconds(100), KeepAliveTimeout = TimeSpan.FromMilliseconds(100) }));
    }

    /// <summary>
    /// Each socket is pinged after its own share of the interval, between nine tenths of it and all of it, so that
    /// sockets that connected together drift apart instead of being pinged together for as long as they stay idle.
    /// </summary>
    [Fact]
    public void EachSocketIsPingedAfterItsOwnShareOfTheIntervalBetweenNineTenthsAndAll()
    {
        Assert.Equal(15_000, ConnectionHeartbeat.PingAfter(15_000, 0));
        Assert.Equal(13_500, ConnectionHeartbeat.PingAfter(15_000, 255));
        Assert.Equal(540_000, ConnectionHeartbeat.PingAfter(600_000, 255)); // the longest interval allowed: no overflow
        var shares = Enumerable.Range(0, 256).Select(stagger => ConnectionHeartbeat.PingAfter(15_000, (byte)stagger)).ToArray();
        Assert.Equal(shares.OrderDescending(), shares); // evenly spread, one step per stagger value
        Assert.Equal(256, shares.Distinct().Count());
    }

    /// <summary>Each connection draws its own share, so that sockets opened together are not pinged together.</summary>
    [Fact]
    public async Task SocketsOpenedTogetherArePingedAfterSharesOfTheirOwn()
    {
        await using var host = await StartWithHeartbeatAsync(timeout: "00:00:05");
        var conversations = new List<Conversation>();
        var clients = new List<ChatSocket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var conversation = await Conversation.StartAsync(host);
                conversations.Add(conversation);
                clients.Add(await conversation.ConnectMemberAsync());
                clients.Add(await conversation.ConnectGuestAsync());
            }
            var relay = host.Services.GetRequiredService<InProcessRelay>();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await Poll.UntilAsync(() => relay.ConnectedCount == clients.Count, patience.Token);

            var connections = new List<ClientConnection>();
            relay.CopyConnectionsTo(connections);
            var shares = connections.Select(connection => connection.PingAfter(15_000)).ToList();
            Assert.All(shares, share => Assert.InRange(share, 13_500, 15_000));
            Assert.True(shares.Distinct().Count() > 1, $"eight sockets, one share: {shares[0]}");
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
            foreach (var conversation in conversations) conversation.Dispose();
        }
    }

    /// <summary>
    /// A round looks only at the sockets due in it: each is taken in the first round that starts at or after its time
    /// (rounds of 250 ms here), never before, and a round that started before it leaves it where it is.
    /// </summary>
    [Fact]
    public void ASocketIsTakenInTheFirstRoundThatStartsAtOrAfterItsTime()
    {
        var schedule = new HeartbeatSchedule<string>(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15), now: 10_000);
        schedule.Add("on the edge", due: 10_500);
        schedule.Add("just after", due: 10_501);
        schedule.Add("in a second", due: 11_000);
        var due = new List<string>();

        schedule.TakeDue(10_250, due);
        Assert.Empty(due);
        schedule.TakeDue(10_499, due);
        Assert.Empty(due); // still the round of 10,250
        schedule.TakeDue(10_500, due);
        Assert.Equal(["on the edge"], due);
        due.Clear();
        schedule.TakeDue(10_749, due);
        Assert.Empty(due);
        schedule.TakeDue(10_750, due);
        Assert.Equal(["just after"], due);
        Assert.Equal(1, schedule.Count);
    }

    /// <summary>A late timer loses no socket: the rounds it skipped are taken together, each once.</summary>
    [Fact]
    public void TheRoundsALateTimerSkippedAreTakenTogether()
    {
        var schedule = new HeartbeatSchedule<string>(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(15), now: 10_000);
        schedule.Add("a", due: 10_250);
        schedule.Add("b", due: 10_600);
        schedule.Add("c", due: 11_000);
        schedule.Add("later", due: 11_001);
        var due = new List<string>();

        schedule.TakeDue(11_100, due);
        Assert.Equal(["a", "b", "c"], due);
        Assert.Equal(1, schedule.Count);

        due.Clear();
        schedule.TakeDue(11_200, due);
        Assert.Empty(due);
        schedule.Add("overdue", due: 9_000); // filed late: taken in the next round, not lost in one already taken
        schedule.TakeDue(11_250, due);
        Assert.Equal(["later", "overdue"], due);
        Assert.Equal(0, schedule.Count);
    }

    /// <summary>
    /// A time beyond the wheel's reach is filed in its furthest round, early rather than late (the heartbeat then looks,
    /// finds the socket not due and files it again); after a stall longer than the whole wheel, every socket is taken once.
    /// </summary>
    [Fact]
    public void ATimeBeyondTheWheelsReachIsTakenEarlyAndAStallLosesNoSocket()
    {
        var schedule = new HeartbeatSchedule<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), now: 0); // rounds 1 s … 5 s
        schedule.Add("far", due: 60_000);
        var due = new List<string>();
        schedule.TakeDue(4_999, due);
        Assert.Empty(due);
        schedule.TakeDue(5_000, due);
        Assert.Equal(["far"], due);

        due.Clear();
        schedule.Add("soon", due: 6_000);
        schedule.Add("last", due: 10_000);
        schedule.TakeDue(1_000_000, due);
        Assert.Equal(["soon", "last"], due);
        schedule.Add("after the stall", due: 1_000_500);
        schedule.TakeDue(1_000_999, due);
        Assert.Equal(["soon", "last"], due);
        schedule.TakeDue(1_001_000, due);
        Assert.Equal(["soon", "last", "after the stall"], due);
    }

    /// <summary>The heartbeat watches each socket while it is open and stops once its connection has ended.</summary>
    [Fact]
    public async Task ASocketIsWatchedWhileOpenAndForgottenOnceItsConnectionEnds()
    {
        await using var host = await StartWithHeartbeatAsync(timeout: "00:00:05");
        using var conversation = await Conversation.StartAsync(host);
        var heartbeat = host.Services.GetRequiredService<ConnectionHeartbeat>();
        var relay = host.Services.GetRequiredService<InProcessRelay>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using (var member = await conversation.ConnectMemberAsync())
        {
            await using var guest = await conversation.ConnectGuestAsync();
            await member.WaitForAsync<ReadyFrame>();
            await guest.WaitForAsync<ReadyFrame>();
            Assert.Equal(2, heartbeat.Watched);

            await Task.Delay(TimeSpan.FromSeconds(1)); // five pings each, answered: still watched
            Assert.Equal(2, heartbeat.Watched);
            await member.SendAsync(new PingFrame());
            await member.WaitForAsync<PongFrame>();
        }
        await Poll.UntilAsync(() => relay.ConnectedCount == 0, patience.Token);

        await Poll.UntilAsync(() => heartbeat.Watched == 0, patience.Token); // at the next look, within the 5 s timeout
    }

    /// <summary>A host that pings a client after 0.2 s of silence and gives it <paramref name="timeout"/> to answer.</summary>
    private static Task<GuestChatHost> StartWithHeartbeatAsync(string timeout)
    {
        var options = new GuestChatHostOptions { RelaxRateLimits = true };
        options.Configuration["GuestChat:Realtime:KeepAliveInterval"] = "00:00:00.2";
        options.Configuration["GuestChat:Realtime:KeepAliveTimeout"] = timeout;
        return GuestChatHost.StartAsync(options);
    }
}

internal static class UriExtensions
{
    public static Uri ToWebSocket(this Uri uri) => new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws" }.Uri;
}
