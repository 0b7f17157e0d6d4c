using System.Net.Sockets;
using System.Net.WebSockets;
using GuestChat.Server.Chats;
using GuestChat.Server.Realtime;
using GuestChat.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.Server.Tests.Realtime;

/// <summary>
/// A client that stops reading (a phone that lost its signal with the socket still open) must not make the
/// server hold its frames without bound, slow anyone else, or lose a message: its socket is closed once its
/// send queue is full, and it gets everything from its backlog when it comes back.
/// </summary>
public sealed class SlowClientTests
{
    private const int QueueLength = 16;

    [Fact]
    public async Task AClientThatStopsReadingIsClosedWhenItsQueueIsFullAndGetsEverythingWhenItReconnects()
    {
        await using var host = await GuestChatHost.StartAsync(new GuestChatHostOptions
        {
            RelaxRateLimits = true,
            Configuration = { ["GuestChat:Limits:SocketQueueLength"] = QueueLength.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.WaitForAsync<ReadyFrame>();
        using var stalled = await ConnectWithoutReadingAsync(conversation.Guest, "ws/guest");

        // Far more than the kernel's buffers, the transport's and the queue hold for a reader this slow.
        var bodies = Enumerable.Range(0, 200).Select(_ => GuestChatClient.RandomBytes(16_000)).ToArray();
        for (var i = 0; i < bodies.Length; i++)
        {
            await member.SendStoredAsync(conversation.Chat, $"m{i}", bodies[i]);
        }
        for (var i = 0; i < bodies.Length; i++)
        {
            Assert.Equal(2 + i, (await member.NextAsync<StoredFrame>()).Seq); // the sender is answered all along
        }
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => host.Logs.Contains("Closing a Guest socket whose send queue is full"), patience.Token);
        await Poll.UntilAsync(() => !HasGuestSocket(host, conversation.Chat), patience.Token);

        // The member's socket is unaffected.
        await member.SendStoredAsync(conversation.Chat, "after", [42]);
        Assert.Equal(202, (await member.NextAsync<StoredFrame>()).Seq);

        await using var guest = await conversation.ConnectGuestAsync();
        for (var i = 0; i < bodies.Length; i++)
        {
            var message = await guest.NextAsync<MessageFrame>();
            Assert.Equal(2 + i, message.Seq);
            Assert.Equal(bodies[i], message.Body);
        }
        Assert.Equal(202, (await guest.NextAsync<MessageFrame>()).Seq);
        await guest.NextAsync<ReadyFrame>();
    }

    /// <summary>A WebSocket with a tiny receive buffer that is never read: the server's writes soon stop completing.</summary>
    private static async Task<ClientWebSocket> ConnectWithoutReadingAsync(GuestChatClient client, string path)
    {
        var handler = new SocketsHttpHandler
        {
            CookieContainer = client.Cookies,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4_096 };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", client.Origin);
        await socket.ConnectAsync(new Uri(client.BaseUri, path).ToWebSocket(), new HttpMessageInvoker(handler), CancellationToken.None);
        return socket;
    }

    private static bool HasGuestSocket(GuestChatHost host, ChatId chat)
    {
        var connections = new List<ClientConnection>();
        host.Services.GetRequiredService<InProcessRelay>().CopyConnectionsTo(connections);
        return connections.Any(connection => connection.Peer.Party == Party.Guest && connection.Peer.GuestChat == chat);
    }
}
