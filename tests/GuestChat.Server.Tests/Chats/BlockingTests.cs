using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Chats;

public sealed class BlockingTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public async Task WhileBlockedTheGuestsSendsAreAnsweredStoredButNeverDeliveredNorKept()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await conversation.Member.BlockAsync(conversation.Chat);
        await guest.SendStoredAsync(conversation.Chat, "hidden", [1, 2, 3]);
        await guest.SendEphemeralAsync(conversation.Chat, [4]);
        var stored = await guest.NextAsync<StoredFrame>();

        Assert.Equal(2, stored.Seq);
        await member.SendAsync(new PingFrame());
        await member.NextAsync<PongFrame>(); // nothing came before it
        Assert.Equal(1, Database.QueuedEnvelopes(Host, conversation.Chat));
        var chat = await conversation.Member.GetChatAsync(conversation.Chat);
        Assert.Equal((ChatStates.Blocked, true), (chat.State, chat.Blocked));
        Assert.Equal(ChatStates.Active, (await conversation.Guest.GetGuestChatAsync()).State); // the guest is not told
    }

    [Fact]
    public async Task UnblockingDoesNotDeliverWhatWasSentWhileBlocked()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        await conversation.Member.BlockAsync(conversation.Chat);
        await guest.SendStoredAsync(conversation.Chat, "while-blocked", [1]);
        await guest.NextAsync<StoredFrame>();

        await conversation.Member.UnblockAsync(conversation.Chat);
        await guest.SendStoredAsync(conversation.Chat, "after", [2]);
        Assert.Equal(3, (await guest.NextAsync<StoredFrame>()).Seq);

        await using var member = await conversation.ConnectMemberAsync();
        Assert.Equal(1, (await member.NextAsync<MessageFrame>()).Seq);
        var after = await member.NextAsync<MessageFrame>();
        Assert.Equal(3, after.Seq);
        Assert.Equal([2], after.Body);
        await member.NextAsync<ReadyFrame>();
        Assert.Equal(ChatStates.Active, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
    }

    [Fact]
    public async Task TheGuestsDeliveredMarkNeverCoversAnEnvelopeDiscardedWhileBlocked()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        await member.AckAsync(conversation.Chat, 1);
        Assert.Equal(1, (await guest.NextAsync<DeliveredFrame>()).Seq);

        await conversation.Member.BlockAsync(conversation.Chat);
        await guest.SendStoredAsync(conversation.Chat, "discarded", [1]);
        Assert.Equal(2, (await guest.NextAsync<StoredFrame>()).Seq);
        await conversation.Member.UnblockAsync(conversation.Chat);
        await guest.SendStoredAsync(conversation.Chat, "kept", [2]);
        Assert.Equal(3, (await guest.NextAsync<StoredFrame>()).Seq);
        Assert.Equal(3, (await member.NextAsync<MessageFrame>()).Seq);
        await member.AckAsync(conversation.Chat, 3);
        await member.SendStoredAsync(conversation.Chat, "reply", [3]); // handled after the ack
        await member.NextAsync<StoredFrame>();

        Assert.Equal(4, (await guest.NextAsync<MessageFrame>()).Seq); // no delivered frame came before it
        await guest.DisposeAsync();
        await using var reconnected = await conversation.ConnectGuestAsync();
        Assert.Equal(4, (await reconnected.NextAsync<MessageFrame>()).Seq);
        Assert.Equal(1, (await reconnected.NextAsync<DeliveredFrame>()).Seq);
    }

    [Fact]
    public async Task BlockingAnotherMembersChatIsNotFound()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var stranger = Host.CreateClient();
        await stranger.CreateMemberWithDeviceAsync();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => stranger.BlockAsync(conversation.Chat));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => stranger.UnblockAsync(conversation.Chat));
        Assert.False((await conversation.Member.GetChatAsync(conversation.Chat)).Blocked);
    }

    [Fact]
    public async Task BlockingAnUnknownOrMalformedChatIsNotFound()
    {
        using var member = Host.CreateClient();
        await member.CreateMemberWithDeviceAsync();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => member.BlockAsync(ChatId.New()));
        using var malformed = await member.RawAsync(HttpMethod.Put, "api/chats/not-an-id/block");
        await Problem.AssertAsync(malformed, HttpStatusCode.NotFound, ErrorCodes.ChatNotFound);
    }
}
