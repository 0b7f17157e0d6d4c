using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace GuestChat.Native.Tests;

[Collection(NativeBuild.Collection)]
public sealed class RestartTests(NativeBuild build)
{
    [Fact]
    public async Task ARestartOnTheSameDataFolderKeepsTheMembersSessionAndDeliversWhatWasQueuedWhileTheMemberWasAway()
    {
        await using var server = await build.StartServerAsync();
        using var conversation = await Conversation.StartAsync(server.BaseUri);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        var queued = GuestChatClient.RandomBytes(64);
        await guest.SendStoredAsync(conversation.Chat, "while-away", queued);
        Assert.Equal(2, (await guest.NextAsync<StoredFrame>()).Seq); // the member has not connected yet

        await server.RestartAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await guest.ClosedAsync()); // 1001: reconnect elsewhere
        Assert.Equal(conversation.MemberAccount, await conversation.Member.MeAsync()); // the cookie from before the restart
        Assert.Equal(ChatStates.Active, (await conversation.Guest.GetGuestChatAsync()).State);
        await using var member = await conversation.ConnectMemberAsync();
        var first = await member.NextAsync<MessageFrame>();
        Assert.Equal(1, first.Seq);
        Assert.Equal(conversation.FirstEnvelope, first.Body);
        var backlog = await member.NextAsync<MessageFrame>();
        Assert.Equal(2, backlog.Seq);
        Assert.Equal(queued, backlog.Body);
        await member.NextAsync<ReadyFrame>();
        await member.CloseAsync();

        await server.AssertStopsWithACleanLogAsync();
        // The second start found the schema and the key made by the first, and made neither again.
        Assert.Equal(1, Regex.Count(server.Output, "Applied database migration 1:"));
        Assert.Equal(2, Regex.Count(server.Output, "Database ready at schema version"));
        Assert.Single(Directory.GetFiles(Path.Combine(server.DataDirectory, "keys"), "key-*.xml"));
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "guestchat.db")));
    }
}
