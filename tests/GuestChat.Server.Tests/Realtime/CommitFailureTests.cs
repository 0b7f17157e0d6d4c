using System.Net.WebSockets;
using GuestChat.Server.Chats;
using GuestChat.Server.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuestChat.Server.Tests.Realtime;

public sealed class CommitFailureTests
{
    /// <summary>
    /// The store fails to commit (a full disk, say): the sender is never told <c>stored</c> and its socket closes
    /// with 1011, the recipient gets nothing, and what was stored before is kept. Once the store recovers, the
    /// client reconnects and sends the same envelope again, which is stored and delivered once, with the next
    /// sequence number after the last one really stored.
    /// </summary>
    [Fact]
    public async Task AFailedCommitClosesTheSenderWith1011AndTheResentEnvelopeIsStoredOnce()
    {
        var store = (FailingCommits?)null;
        var options = new GuestChatHostOptions
        {
            RelaxRateLimits = true,
            ConfigureServices = services =>
            {
                services.AddSingleton(sp => store = new FailingCommits(ActivatorUtilities.CreateInstance<SqliteChatStore>(sp)));
                services.AddSingleton<IChatStore>(sp => sp.GetRequiredService<FailingCommits>());
            },
        };
        await using var host = await GuestChatHost.StartAsync(options);
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        Assert.Equal(1, (await member.WaitForAsync<MessageFrame>()).Seq);
        await member.AckAsync(conversation.Chat, 1);
        await member.WaitForAsync<ReadyFrame>();
        var guest = await conversation.ConnectGuestAsync();
        await guest.WaitForAsync<ReadyFrame>();
        await guest.SendStoredAsync(conversation.Chat, "before", [1, 2, 3]);
        Assert.Equal(2, (await guest.WaitForAsync<StoredFrame>()).Seq);
        Assert.Equal(2, (await member.WaitForAsync<MessageFrame>()).Seq);

        store!.Failing = true;
        await guest.SendStoredAsync(conversation.Chat, "lost", [4, 5, 6]);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, await guest.ClosedAsync());
        Assert.DoesNotContain(guest.Drain(), frame => frame is StoredFrame { ClientId: "lost" });
        await guest.DisposeAsync();

        store.Failing = false;
        await using var again = await conversation.ConnectGuestAsync();
        await again.WaitForAsync<ReadyFrame>();
        await again.SendStoredAsync(conversation.Chat, "lost", [4, 5, 6]);
        var stored = await again.WaitForAsync<StoredFrame>();
        Assert.Equal(("lost", 3L), (stored.ClientId, stored.Seq));
        var message = await member.WaitForAsync<MessageFrame>();
        Assert.Equal(3, message.Seq);
        Assert.Equal([4, 5, 6], message.Body);

        await member.SendAsync(new PingFrame());
        await member.WaitForAsync<PongFrame>();
        Assert.DoesNotContain(member.Drain(), frame => frame is MessageFrame); // nothing twice, nothing from the failed batch
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("failed", StringComparison.Ordinal));
    }

    /// <summary>The real store, except that commits throw while <see cref="Failing"/> is set.</summary>
    private sealed class FailingCommits(IChatStore inner) : IChatStore
    {
        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        public Task CommitAsync(ChatBatch batch, CancellationToken cancellationToken) =>
            _failing ? throw new IOException("No space left on device") : inner.CommitAsync(batch, cancellationToken);

        public Task<ChatRecord?> FindAsync(ChatId id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

        public Task<IReadOnlyList<ChatRecord>> ListForMemberAsync(MemberId member, CancellationToken cancellationToken) =>
            inner.ListForMemberAsync(member, cancellationToken);

        public Task<IReadOnlyList<ChatRecord>> ListActiveForDeviceAsync(DeviceId device, CancellationToken cancellationToken) =>
            inner.ListActiveForDeviceAsync(device, cancellationToken);

        public Task<ChatId?> FindGuestSessionAsync(byte[] tokenHash, CancellationToken cancellationToken) =>
            inner.FindGuestSessionAsync(tokenHash, cancellationToken);

        public IAsyncEnumerable<StoredEnvelope> ReadQueuedAsync(ChatId chat, Party recipient, CancellationToken cancellationToken) =>
            inner.ReadQueuedAsync(chat, recipient, cancellationToken);

        public Task<IReadOnlyList<StoredEnvelope>> ReadRecentSendsAsync(ChatId chat, int count, CancellationToken cancellationToken) =>
            inner.ReadRecentSendsAsync(chat, count, cancellationToken);

        public Task<IReadOnlyList<ChatId>> FindIdleAsync(long lastActivityAtOrBefore, CancellationToken cancellationToken) =>
            inner.FindIdleAsync(lastActivityAtOrBefore, cancellationToken);
    }
}
