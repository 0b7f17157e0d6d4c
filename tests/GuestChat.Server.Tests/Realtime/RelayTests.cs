using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Realtime;

public sealed class RelayTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public async Task MemberReceivesTheClaimsFirstEnvelopeAsSequenceOneThenReady()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();

        var first = await member.NextAsync<MessageFrame>();
        Assert.Equal(conversation.Chat, first.ChatId);
        Assert.Equal(1, first.Seq);
        Assert.Equal(conversation.FirstEnvelope, first.Body);
        await member.NextAsync<ReadyFrame>();
    }

    [Fact]
    public async Task EnvelopesFlowBothWaysInOrderAndAreAnsweredStoredAfterCommit()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await using var guest = await conversation.ConnectGuestAsync();
        await member.WaitForAsync<ReadyFrame>();
        await guest.NextAsync<ReadyFrame>();

        var bodies = Enumerable.Range(0, 20).Select(i => GuestChatClient.RandomBytes(100 + i)).ToArray();
        for (var i = 0; i < bodies.Length; i++)
        {
            await guest.SendStoredAsync(conversation.Chat, $"g{i}", bodies[i]);
        }
        for (var i = 0; i < bodies.Length; i++)
        {
            var stored = await guest.NextAsync<StoredFrame>();
            Assert.Equal($"g{i}", stored.ClientId);
            Assert.Equal(2 + i, stored.Seq);
            var message = await member.NextAsync<MessageFrame>();
            Assert.Equal(2 + i, message.Seq);
            Assert.Equal(bodies[i], message.Body);
        }

        var reply = GuestChatClient.RandomBytes(64);
        await member.SendStoredAsync(conversation.Chat, "m1", reply);
        var memberStored = await member.NextAsync<StoredFrame>();
        Assert.Equal(22, memberStored.Seq);
        var received = await guest.NextAsync<MessageFrame>();
        Assert.Equal(22, received.Seq);
        Assert.Equal(reply, received.Body);
        Assert.Equal(memberStored.SentAt, received.SentAt);
    }

    [Fact]
    public async Task AcknowledgingDeletesTheEnvelopesAndTellsTheSenderDelivered()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.WaitForAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        Assert.Equal(2, await GuestSendsOneAsync(conversation, guest, member, "a"));
        Assert.Equal(2, Database.QueuedEnvelopes(Host, conversation.Chat));

        await member.AckAsync(conversation.Chat, 2);

        var delivered = await guest.NextAsync<DeliveredFrame>();
        Assert.Equal(2, delivered.Seq);
        // No other traffic follows: the deletion is committed on its own after ChatWriter.AcknowledgementDelay.
        Assert.Equal(0, await Database.QueuedEnvelopesEventuallyAsync(Host, conversation.Chat, 0));
    }

    [Fact]
    public async Task AnAcknowledgementMadeWhileAnEarlierDelayRunsIsStillCommittedOnItsOwn()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.WaitForAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        Assert.Equal(2, await GuestSendsOneAsync(conversation, guest, member, "a"));
        await member.AckAsync(conversation.Chat, 2);
        await guest.NextAsync<DeliveredFrame>();

        // This envelope's commit takes the first deletion with it, well before its delay ends; the second
        // acknowledgement then waits on that delay, which ends too early for it, and on one more.
        Assert.Equal(3, await GuestSendsOneAsync(conversation, guest, member, "b"));
        await member.AckAsync(conversation.Chat, 3);
        Assert.Equal(3, (await guest.NextAsync<DeliveredFrame>()).Seq);

        Assert.Equal(0, await Database.QueuedEnvelopesEventuallyAsync(Host, conversation.Chat, 0));
    }

    [Fact]
    public async Task AnAcknowledgedEnvelopeIsNotSentAgainToAClientThatReconnectsAtOnce()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        await guest.SendStoredAsync(conversation.Chat, "a", GuestChatClient.RandomBytes(10));
        await guest.NextAsync<StoredFrame>();
        await using (var member = await conversation.ConnectMemberAsync())
        {
            Assert.Equal(1, (await member.NextAsync<MessageFrame>()).Seq);
            Assert.Equal(2, (await member.NextAsync<MessageFrame>()).Seq);
            await member.NextAsync<ReadyFrame>();
            await member.AckAsync(conversation.Chat, 2);
            Assert.Equal(2, (await guest.NextAsync<DeliveredFrame>()).Seq);
        }

        // Well within the acknowledgement delay: the backlog is read after the waiting deletion is committed.
        await using var again = await conversation.ConnectMemberAsync();
        await again.NextAsync<ReadyFrame>();
        await guest.SendStoredAsync(conversation.Chat, "b", GuestChatClient.RandomBytes(10));
        Assert.Equal(3, (await again.NextAsync<MessageFrame>()).Seq);
    }

    [Fact]
    public async Task AReconnectingClientGetsEverythingNotYetAcknowledgedAndTheLatestDelivered()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        for (var i = 0; i < 3; i++)
        {
            await guest.SendStoredAsync(conversation.Chat, $"g{i}", [(byte)i]);
            await guest.NextAsync<StoredFrame>();
        }
        await using (var member = await conversation.ConnectMemberAsync())
        {
            Assert.Equal(1, (await member.NextAsync<MessageFrame>()).Seq);
            Assert.Equal(2, (await member.NextAsync<MessageFrame>()).Seq);
            await member.AckAsync(conversation.Chat, 2); // stored 1 and 2, then lost the connection
            Assert.Equal(2, (await guest.NextAsync<DeliveredFrame>()).Seq);
        }

        await using var again = await conversation.ConnectMemberAsync();
        Assert.Equal(3, (await again.NextAsync<MessageFrame>()).Seq);
        Assert.Equal(4, (await again.NextAsync<MessageFrame>()).Seq);
        await again.NextAsync<ReadyFrame>();
        await using var guestAgain = await conversation.ConnectGuestAsync();
        Assert.Equal(2, (await guestAgain.NextAsync<DeliveredFrame>()).Seq);
        await guestAgain.NextAsync<ReadyFrame>();
    }

    [Fact]
    public async Task ASendRepeatedWithTheSameClientIdAndBodyIsStoredOnce()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        var body = GuestChatClient.RandomBytes(30);

        await guest.SendStoredAsync(conversation.Chat, "same", body);
        var first = await guest.NextAsync<StoredFrame>();
        await guest.SendStoredAsync(conversation.Chat, "same", body);
        var again = await guest.NextAsync<StoredFrame>();
        await guest.SendStoredAsync(conversation.Chat, "same", GuestChatClient.RandomBytes(30));
        var different = await guest.NextAsync<StoredFrame>();

        Assert.Equal((first.Seq, first.SentAt), (again.Seq, again.SentAt));
        Assert.Equal(first.Seq + 1, different.Seq);
        Assert.Equal(3, Database.QueuedEnvelopes(Host, conversation.Chat));
    }

    [Fact]
    public async Task EphemeralEnvelopesReachOnlyAConnectedRecipientAndAreNeverStored()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        await guest.SendEphemeralAsync(conversation.Chat, [1, 2, 3]); // nobody listening: dropped
        await guest.SendStoredAsync(conversation.Chat, "after", [9]);
        await guest.NextAsync<StoredFrame>(); // the writer handles frames in order: the ephemeral one is gone

        await using var member = await conversation.ConnectMemberAsync();
        Assert.Equal(1, (await member.NextAsync<MessageFrame>()).Seq);
        Assert.Equal(2, (await member.NextAsync<MessageFrame>()).Seq);
        await member.NextAsync<ReadyFrame>();
        await guest.SendEphemeralAsync(conversation.Chat, [4, 5, 6]);

        var typing = await member.NextAsync<EphemeralFrame>();
        Assert.Equal(Base64UrlText.Encode([4, 5, 6]), typing.Body);
        Assert.Equal(2, Database.QueuedEnvelopes(Host, conversation.Chat)); // the ephemeral envelopes were never stored
        await guest.SendAsync(new PingFrame());
        await guest.NextAsync<PongFrame>(); // no stored answer came before the pong
    }

    [Fact]
    public async Task AFrameMayNameItsTypeAfterItsOtherFields()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync($$"""{"chatId":"{{conversation.Chat}}","clientId":"late-type","kind":"stored","body":"AQID","extra":true,"type":"send"}""");

        Assert.Equal("late-type", (await guest.NextAsync<StoredFrame>()).ClientId);
    }

    [Fact]
    public async Task PingIsAnsweredWithPong()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        await guest.SendAsync(new PingFrame());
        await guest.NextAsync<PongFrame>();
    }

    [Fact]
    public async Task ASendToAChatThatIsNotTheSocketsOwnIsChatNotFound()
    {
        using var mine = await Conversation.StartAsync(Host);
        using var theirs = await Conversation.StartAsync(Host);
        await using var guest = await mine.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendStoredAsync(theirs.Chat, "x", [1]);

        var error = await guest.NextAsync<ErrorFrame>();
        Assert.Equal(ErrorCodes.ChatNotFound, error.Code);
        Assert.Equal("x", error.ClientId);
        Assert.Equal(1, Database.QueuedEnvelopes(Host, theirs.Chat));
        await using var member = await mine.ConnectMemberAsync();
        await member.WaitForAsync<ReadyFrame>();
        await member.SendStoredAsync(theirs.Chat, "y", [1]);
        Assert.Equal(ErrorCodes.ChatNotFound, (await member.NextAsync<ErrorFrame>()).Code);
    }

    [Fact]
    public async Task AMemberSocketOnAnotherDeviceCannotWriteToTheChat()
    {
        using var conversation = await Conversation.StartAsync(Host);
        var otherDevice = await conversation.Member.RegisterDeviceAsync();
        await using var socket = await conversation.Member.ConnectMemberAsync(otherDevice);
        await socket.NextAsync<ReadyFrame>(); // the chat's backlog belongs to the inviting device only

        await socket.SendStoredAsync(conversation.Chat, "x", [1]);

        Assert.Equal(ErrorCodes.ChatNotFound, (await socket.NextAsync<ErrorFrame>()).Code);
    }

    [Fact]
    public async Task AMemberIsToldWhenAGuestClaimsAnInvitation()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        await using var socket = await member.ConnectMemberAsync(device);
        await socket.NextAsync<ReadyFrame>();

        using var guest = Host.CreateClient();
        var first = GuestChatClient.RandomBytes(50);
        var view = await guest.ClaimAsync(invitation.Id, verifier, "Zoë", first);

        var claimed = await socket.NextAsync<ChatEventFrame>();
        Assert.Equal((view.ChatId, ChatEvents.Claimed), (claimed.ChatId, claimed.Event));
        var message = await socket.NextAsync<MessageFrame>();
        Assert.Equal((view.ChatId, 1L), (message.ChatId, message.Seq));
        Assert.Equal(first, message.Body);
    }

    /// <summary>The guest sends one envelope; returns its seq once it is stored and the member has it.</summary>
    private static async Task<long> GuestSendsOneAsync(Conversation conversation, ChatSocket guest, ChatSocket member, string clientId)
    {
        await guest.SendStoredAsync(conversation.Chat, clientId, GuestChatClient.RandomBytes(10));
        await guest.NextAsync<StoredFrame>();
        return (await member.NextAsync<MessageFrame>()).Seq;
    }
}
