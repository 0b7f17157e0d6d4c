using System.Net;
using System.Net.WebSockets;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Guests;

public sealed class LeaveTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public async Task LeavingEndsTheChatForBothTellsTheMemberAndDeletesQueuedEnvelopesAndTheSession()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        using var response = await conversation.Guest.RawAsync(HttpMethod.Post, "api/guest/leave");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gc_guest=;", StringComparison.Ordinal));
        var ended = await member.NextAsync<ChatEventFrame>();
        Assert.Equal((conversation.Chat, ChatEvents.Ended), (ended.ChatId, ended.Event));
        Assert.Equal(ChatEvents.Ended, (await guest.NextAsync<ChatEventFrame>()).Event);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await guest.ClosedAsync());
        Assert.Equal(0, Database.QueuedEnvelopes(Host, conversation.Chat));
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM guest_sessions WHERE chat_id = $c", ("$c", conversation.Chat.Value)));
        Assert.Equal(ChatStates.Ended, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => conversation.Guest.GetGuestChatAsync());
    }

    [Fact]
    public async Task AnEndedChatCannotBeWrittenToOrBlocked()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await conversation.Guest.LeaveAsync();
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<ReadyFrame>(); // an ended chat has no backlog

        await member.SendStoredAsync(conversation.Chat, "late", [1]);

        var error = await member.NextAsync<ErrorFrame>();
        Assert.Equal((ErrorCodes.ChatEnded, "late"), (error.Code, error.ClientId));
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.ChatClosed, () => conversation.Member.BlockAsync(conversation.Chat));
        var socketError = await Assert.ThrowsAsync<WebSocketException>(() => conversation.ConnectGuestAsync());
        Assert.Contains("401", socketError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeavingNeedsAGuestSession()
    {
        using var conversation = await Conversation.StartAsync(Host);

        using var response = await conversation.Member.RawAsync(HttpMethod.Post, "api/guest/leave");

        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn);
        Assert.Equal(ChatStates.Active, (await conversation.Guest.GetGuestChatAsync()).State);
    }
}
