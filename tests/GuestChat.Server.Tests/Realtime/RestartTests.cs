using System.Net.WebSockets;

namespace GuestChat.Server.Tests.Realtime;

public sealed class RestartTests
{
    /// <summary>
    /// Both sides keep sending while the server restarts under them. Each side behaves as the protocol asks: it
    /// processes a sequence number once, acknowledges after "storing" it, and sends again (same client id, same
    /// ciphertext) whatever it has not seen answered <c>stored</c>. Every envelope arrives exactly once, in order.
    /// </summary>
    [Fact]
    public async Task ARestartInTheMiddleOfAConversationLosesDuplicatesAndReordersNothing()
    {
        await using var host = await GuestChatHost.StartAsync(new GuestChatHostOptions { RelaxRateLimits = true });
        using var conversation = await Conversation.StartAsync(host);
        var member = new Side("m", () => conversation.ConnectMemberAsync(), conversation.Chat);
        var guest = new Side("g", () => conversation.ConnectGuestAsync(), conversation.Chat);
        member.ExpectFromOtherSide(conversation.FirstEnvelope);
        await member.ConnectAsync();
        await guest.ConnectAsync();

        for (var round = 0; round < 3; round++)
        {
            await member.SendAndWaitStoredAsync(guest, 4);
            await guest.SendAndWaitStoredAsync(member, 4);
            await member.ReceivePendingAsync();
            // Sends racing the restart: stored or not, their answers may never arrive.
            await member.SendWithoutWaitingAsync(guest, 3);
            await guest.SendWithoutWaitingAsync(member, 3);
            await host.RestartAsync();
            await member.ReconnectAndResendAsync();
            await guest.ReconnectAndResendAsync();
        }
        await member.SendAndWaitStoredAsync(guest, 2);
        await guest.SendAndWaitStoredAsync(member, 2);
        await member.ReceivePendingAsync();
        await guest.ReceivePendingAsync();

        member.AssertReceivedExactlyOnceInOrder();
        guest.AssertReceivedExactlyOnceInOrder();
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    /// <summary>
    /// A stopping server tells every client to go elsewhere (1001) rather than leaving its socket to time out, the
    /// member's and the guest's alike, upgraded by either path.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StoppingClosesEverySocketWithGoingAway(bool connectionUpgrade)
    {
        var options = new GuestChatHostOptions();
        options.Configuration["GuestChat:Realtime:ConnectionUpgrade"] = connectionUpgrade ? "true" : "false";
        await using var host = await GuestChatHost.StartAsync(options);
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await using var guest = await conversation.ConnectGuestAsync();
        await member.WaitForAsync<ReadyFrame>();
        await guest.WaitForAsync<ReadyFrame>();

        await host.StopAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await member.ClosedAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await guest.ClosedAsync());
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    /// <summary>One end of the conversation.</summary>
    private sealed class Side(string name, Func<Task<ChatSocket>> connect, ChatId chat)
    {
        private readonly List<(string ClientId, byte[] Body)> _unanswered = [];
        private readonly List<byte[]> _expected = [];
        private readonly List<(long Seq, byte[] Body)> _received = [];
        private ChatSocket? _socket;
        private int _next;

        public void ExpectFromOtherSide(byte[] body) => _expected.Add(body);

        public async Task ConnectAsync()
        {
            _socket = await connect();
            await ProcessUntilAsync<ReadyFrame>();
        }

        public async Task SendAndWaitStoredAsync(Side other, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (clientId, body) = NewEnvelope(other);
                await _socket!.SendStoredAsync(chat, clientId, body);
                await ProcessUntilAsync<StoredFrame>(s => s.ClientId == clientId);
            }
        }

        public async Task SendWithoutWaitingAsync(Side other, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var (clientId, body) = NewEnvelope(other);
                await _socket!.SendStoredAsync(chat, clientId, body);
            }
        }

        public async Task ReconnectAndResendAsync()
        {
            // What arrived before the server went away still counts: the client stored it.
            await _socket!.ClosedAsync();
            foreach (var frame in _socket.Drain())
            {
                await ProcessAsync(frame);
            }
            await _socket.DisposeAsync();
            await ConnectAsync();
            foreach (var (clientId, body) in _unanswered.ToList())
            {
                await _socket!.SendStoredAsync(chat, clientId, body);
                await ProcessUntilAsync<StoredFrame>(s => s.ClientId == clientId);
            }
        }

        /// <summary>A ping's pong comes after everything queued for this socket before it.</summary>
        public async Task ReceivePendingAsync()
        {
            await _socket!.SendAsync(new PingFrame());
            await ProcessUntilAsync<PongFrame>();
        }

        public void AssertReceivedExactlyOnceInOrder()
        {
            var seqs = _received.Select(r => r.Seq).ToList();
            Assert.Equal(seqs.Distinct().Order(), seqs);
            Assert.Equal(_expected.Count, _received.Count);
            for (var i = 0; i < _expected.Count; i++)
            {
                Assert.True(_expected[i].AsSpan().SequenceEqual(_received[i].Body), $"{name}: envelope {i} missing, repeated or out of order");
            }
        }

        private (string ClientId, byte[] Body) NewEnvelope(Side other)
        {
            var envelope = ($"{name}{_next++}", GuestChatClient.RandomBytes(40));
            _unanswered.Add(envelope);
            other._expected.Add(envelope.Item2);
            return envelope;
        }

        private async Task ProcessUntilAsync<T>(Func<T, bool>? match = null) where T : ServerFrame
        {
            while (true)
            {
                var frame = await _socket!.NextAsync();
                await ProcessAsync(frame);
                if (frame is T wanted && (match is null || match(wanted)))
                {
                    return;
                }
            }
        }

        private async Task ProcessAsync(ServerFrame frame)
        {
            switch (frame)
            {
                case StoredFrame stored:
                    _unanswered.RemoveAll(u => u.ClientId == stored.ClientId);
                    break;
                case MessageFrame message:
                    if (_received.Count == 0 || message.Seq > _received[^1].Seq)
                    {
                        _received.Add((message.Seq, message.Body));
                    }
                    if (_socket!.Socket.State == WebSocketState.Open)
                    {
                        await _socket.AckAsync(chat, message.Seq);
                    }
                    break;
            }
        }
    }
}
