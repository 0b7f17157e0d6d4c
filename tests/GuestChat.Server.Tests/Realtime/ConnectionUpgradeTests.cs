using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using GuestChat.Server.Realtime;
using GuestChat.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Server.Tests.Realtime;

/// <summary>
/// Browser sockets are taken over at the connection level (<see cref="ConnectionUpgrade"/>); whatever that path
/// does not take goes, byte for byte, to the HTTP path, which answers as before. The refusals themselves
/// (origin, cookie, device) are in SocketBadInputTests and pass through here too.
/// </summary>
public sealed class ConnectionUpgradeTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public Task MemberAndGuestSocketsAreUpgradedAtTheConnectionLevelAndCarryMessagesBothWays() =>
        AssertSocketsUpgradedByAsync(Host, SocketUpgrade.Connection);

    [Fact]
    public async Task TurnedOffEverySocketGoesThroughTheHttpPath()
    {
        var options = new GuestChatHostOptions { RelaxRateLimits = true };
        options.Configuration["GuestChat:Realtime:ConnectionUpgrade"] = "false";
        await using var host = await GuestChatHost.StartAsync(options);
        await AssertSocketsUpgradedByAsync(host, SocketUpgrade.Http);
    }

    [Fact]
    public async Task FramesSentInTheSameWriteAsTheHeadAreRead()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);
        var head = Encoding.ASCII.GetBytes(GuestHead(conversation));

        await raw.WriteAsync([.. head, .. ClientTextFrame("""{"type":"ping"}""")]);

        using var socket = await ReadySocketAsync(raw);
        Assert.Equal("pong", await NextTypeAsync(socket));
        Assert.Equal(SocketUpgrade.Connection, UpgradeOf(Host, conversation.Chat));
    }

    [Fact]
    public async Task AHeadThatArrivesInPiecesIsWaitedFor()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);
        var head = Encoding.ASCII.GetBytes(GuestHead(conversation));

        foreach (var piece in head.Chunk(head.Length / 3 + 1))
        {
            await raw.WriteAsync(piece);
            await Task.Delay(150);
        }

        using var socket = await ReadySocketAsync(raw);
        Assert.Equal(SocketUpgrade.Connection, UpgradeOf(Host, conversation.Chat));
    }

    [Fact]
    public async Task AHeadSlowerThanFiveSecondsIsLeftToTheHttpPathWithTheBytesAlreadyRead()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);
        var head = Encoding.ASCII.GetBytes(GuestHead(conversation));

        await raw.WriteAsync(head[..30]);
        await Task.Delay(TimeSpan.FromSeconds(6)); // past ConnectionUpgrade's wait for a head
        await raw.WriteAsync(head[30..]);

        using var socket = await ReadySocketAsync(raw);
        Assert.Equal(SocketUpgrade.Http, UpgradeOf(Host, conversation.Chat));
    }

    /// <summary>Heads this path does not take: the HTTP path upgrades them as it always has, or refuses them.</summary>
    [Theory]
    [InlineData("Pragma: no-cache", "Sec-WebSocket-Protocol: chat")]
    [InlineData("Pragma: no-cache", "Pragma: no-cache\r\nX-Padding: {padding}")]
    [InlineData("Upgrade: websocket", "Upgrade: websocket\r\nConnection: keep-alive")]
    public async Task AnUpgradeThisPathDoesNotTakeIsUpgradedByTheHttpPath(string replace, string with)
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);

        var padding = new string('x', UpgradeRequest.MaxHeadBytes); // a head over the limit
        await raw.WriteAsync(Encoding.ASCII.GetBytes(GuestHead(conversation).Replace(replace, with.Replace("{padding}", padding, StringComparison.Ordinal), StringComparison.Ordinal)));

        using var socket = await ReadySocketAsync(raw);
        Assert.Equal(SocketUpgrade.Http, UpgradeOf(Host, conversation.Chat));
    }

    [Fact]
    public async Task ARepeatedOriginIsRefusedByTheHttpPath()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);
        var head = GuestHead(conversation).Replace("Pragma: no-cache", "Origin: https://evil.example", StringComparison.Ordinal);

        await raw.WriteAsync(Encoding.ASCII.GetBytes(head));

        var response = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 403 ", response);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUpgradeAfterAnHttpRequestOnTheSameConnectionIsUpgradedByTheHttpPath()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var raw = await RawConnection.OpenAsync(Host);

        await raw.WriteAsync(Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: {HostHeader(Host)}\r\n\r\n"));
        var health = await raw.ReadHeadAsync();
        Assert.StartsWith("HTTP/1.1 200 ", health);
        await raw.SkipBodyAsync(health);
        await raw.WriteAsync(Encoding.ASCII.GetBytes(GuestHead(conversation)));

        using var socket = await ReadySocketAsync(raw);
        Assert.Equal(SocketUpgrade.Http, UpgradeOf(Host, conversation.Chat));
    }

    [Fact]
    public async Task GarbageAndHalfHeadsHurtNothing()
    {
        using (var garbage = await RawConnection.OpenAsync(Host))
        {
            await garbage.WriteAsync("\0\u0001GET nonsense\r\n\r\n"u8.ToArray());
            Assert.StartsWith("HTTP/1.1 400 ", await garbage.ReadHeadAsync());
        }
        using var conversation = await Conversation.StartAsync(Host);
        using (var half = await RawConnection.OpenAsync(Host))
        {
            await half.WriteAsync(Encoding.ASCII.GetBytes(GuestHead(conversation)[..40]));
        } // and gone

        await using var guest = await conversation.ConnectGuestAsync();
        await guest.WaitForAsync<ReadyFrame>();
        Assert.Equal(SocketUpgrade.Connection, UpgradeOf(Host, conversation.Chat));
    }

    /// <summary>A member's and a guest's socket, upgraded by <paramref name="expected"/>, carry messages both ways.</summary>
    private static async Task AssertSocketsUpgradedByAsync(GuestChatHost host, SocketUpgrade expected)
    {
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await using var guest = await conversation.ConnectGuestAsync();
        await member.WaitForAsync<ReadyFrame>();
        await guest.WaitForAsync<ReadyFrame>();

        Assert.Equal(expected, UpgradeOf(host, conversation.Device));
        Assert.Equal(expected, UpgradeOf(host, conversation.Chat));
        await AssertMessagesFlowAsync(conversation, member, guest);
    }

    /// <summary>Reads the <c>101</c> on <paramref name="raw"/>, then the socket's first frame, which must be <c>ready</c>.</summary>
    private static async Task<WebSocket> ReadySocketAsync(RawConnection raw)
    {
        Assert.StartsWith("HTTP/1.1 101 ", await raw.ReadHeadAsync());
        var socket = raw.AsWebSocket();
        Assert.Equal("ready", await NextTypeAsync(socket));
        return socket;
    }

    private static async Task AssertMessagesFlowAsync(Conversation conversation, ChatSocket member, ChatSocket guest)
    {
        var fromGuest = GuestChatClient.RandomBytes(120);
        await guest.SendStoredAsync(conversation.Chat, "g1", fromGuest);
        Assert.Equal(fromGuest, (await member.WaitForAsync<MessageFrame>(m => m.Seq == 2)).Body);
        var fromMember = GuestChatClient.RandomBytes(80);
        await member.SendStoredAsync(conversation.Chat, "m1", fromMember);
        Assert.Equal(fromMember, (await guest.WaitForAsync<MessageFrame>(m => m.Seq == 3)).Body);
    }

    private static SocketUpgrade UpgradeOf(GuestChatHost host, DeviceId device) =>
        Single(host, connection => connection.Peer.Device == device).Upgrade;

    private static SocketUpgrade UpgradeOf(GuestChatHost host, ChatId guestChat) =>
        Single(host, connection => connection.Peer.GuestChat == guestChat).Upgrade;

    private static ClientConnection Single(GuestChatHost host, Func<ClientConnection, bool> match)
    {
        var connections = new List<ClientConnection>();
        host.Services.GetRequiredService<InProcessRelay>().CopyConnectionsTo(connections);
        return Assert.Single(connections, connection => match(connection));
    }

    private static string HostHeader(GuestChatHost host) => host.BaseUri.Authority;

    /// <summary>The guest's upgrade as a browser sends it, with the guest's cookie.</summary>
    private static string GuestHead(Conversation conversation)
    {
        var cookies = conversation.Guest.Cookies.GetCookieHeader(conversation.Guest.BaseUri);
        return "GET /ws/guest HTTP/1.1\r\n"
            + $"Host: {conversation.Guest.BaseUri.Authority}\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Upgrade: websocket\r\n"
            + $"Origin: {conversation.Guest.Origin}\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + $"Cookie: {cookies}\r\n"
            + $"Sec-WebSocket-Key: {Convert.ToBase64String(GuestChatClient.RandomBytes(16))}\r\n"
            + "\r\n";
    }

    /// <summary>A masked client text frame (RFC 6455, section 5.2), for a payload under 126 bytes.</summary>
    private static byte[] ClientTextFrame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var mask = GuestChatClient.RandomBytes(4);
        return [0x81, (byte)(0x80 | payload.Length), .. mask, .. payload.Select((b, i) => (byte)(b ^ mask[i % 4]))];
    }

    private static async Task<string> NextTypeAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(ChatSocket.DefaultWait);
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        using var json = System.Text.Json.JsonDocument.Parse(buffer.AsMemory(0, result.Count));
        return json.RootElement.GetProperty("type").GetString()!;
    }

    /// <summary>A TCP connection to the server, written and read byte for byte.</summary>
    private sealed class RawConnection : IDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;

        private RawConnection(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public static async Task<RawConnection> OpenAsync(GuestChatHost host)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Loopback, host.BaseUri.Port);
            return new RawConnection(socket);
        }

        public async Task WriteAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

        /// <summary>Reads a response's head one byte at a time, so that nothing after it is taken.</summary>
        public async Task<string> ReadHeadAsync()
        {
            using var timeout = new CancellationTokenSource(ChatSocket.DefaultWait);
            var head = new List<byte>();
            var one = new byte[1];
            while (!System.Runtime.InteropServices.CollectionsMarshal.AsSpan(head).EndsWith("\r\n\r\n"u8))
            {
                if (await _stream.ReadAsync(one, timeout.Token) == 0)
                {
                    break;
                }
                head.Add(one[0]);
            }
            return Encoding.ASCII.GetString([.. head]);
        }

        /// <summary>Reads the body of a response whose head was read: by its length, or to its last chunk.</summary>
        public async Task SkipBodyAsync(string head)
        {
            var length = head.Split("\r\n").SingleOrDefault(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            if (length is not null)
            {
                await _stream.ReadExactlyAsync(new byte[int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)]);
                return;
            }
            var body = new List<byte>();
            var one = new byte[1];
            while (!System.Runtime.InteropServices.CollectionsMarshal.AsSpan(body).EndsWith("\r\n0\r\n\r\n"u8) && await _stream.ReadAsync(one) == 1)
            {
                body.Add(one[0]);
            }
        }

        public WebSocket AsWebSocket() =>
            WebSocket.CreateFromStream(_stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });

        public void Dispose() => _stream.Dispose();
    }
}
