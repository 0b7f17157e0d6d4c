using System.Net;
using System.Net.WebSockets;

namespace GuestChat.Native.Tests;

[Collection(NativeBuild.Collection)]
public sealed class WholeChatTests(NativeBuild build)
{
    [Fact]
    public async Task AMemberAndAGuestChatFromInvitationToLeavingThroughTheNativeExecutable()
    {
        await using var server = await build.StartServerAsync();

        // The member signs up, registers a device and publishes an invitation with its bundle.
        using var member = server.CreateClient();
        var username = "ada" + Convert.ToHexStringLower(GuestChatClient.RandomBytes(6));
        var account = await member.CreateAccountAsync(username, "Ada Lovelace", "correct horse battery");
        Assert.Equal(account, await member.MeAsync());
        var device = await member.RegisterDeviceAsync();
        var invitation = await member.CreateInvitationAsync(device);
        var (bundle, tag, verifier) = (GuestChatClient.RandomBytes(300), GuestChatClient.RandomBytes(Limits.TagBytes),
            GuestChatClient.RandomBytes(Limits.ClaimVerifierBytes));
        await member.UploadBundleAsync(invitation.Id, bundle, tag, verifier);
        Assert.True(Assert.Single(await member.ListInvitationsAsync()).HasBundle);

        // The guest opens the link and claims it.
        using var guest = server.CreateClient();
        var seen = await guest.GetPublicInvitationAsync(invitation.Id);
        Assert.Equal((invitation.Id, "Ada Lovelace", invitation.ExpiresAt), (seen.Id, seen.InviterName, seen.ExpiresAt));
        Assert.Equal(bundle, seen.Bundle);
        Assert.Equal(tag, seen.BundleTag);
        Assert.Equal((await guest.GetTermsAsync()).Version, seen.TermsVersion);
        var first = GuestChatClient.RandomBytes(180);
        var view = await guest.ClaimAsync(invitation.Id, verifier, "Zoë", first);
        var chat = view.ChatId;
        Assert.Equal(("Ada Lovelace", "Zoë", ChatStates.Active), (view.MemberName, view.GuestName, view.State));
        Assert.Equal(("Zoë", device), ((await member.GetChatAsync(chat)).GuestName, Assert.Single(await member.ListChatsAsync()).DeviceId));

        // Both connect; the claim's first envelope waits for the member as sequence 1.
        await using var memberSocket = await member.ConnectMemberAsync(device);
        var firstMessage = await memberSocket.NextAsync<MessageFrame>();
        Assert.Equal((chat, 1L), (firstMessage.ChatId, firstMessage.Seq));
        Assert.Equal(first, firstMessage.Body);
        await memberSocket.NextAsync<ReadyFrame>();
        await using var guestSocket = await guest.ConnectGuestAsync();
        await guestSocket.NextAsync<ReadyFrame>();

        // Guest to member: stored, message, acknowledged, delivered.
        var hello = GuestChatClient.RandomBytes(100);
        await guestSocket.SendStoredAsync(chat, "g1", hello);
        var helloStored = await guestSocket.NextAsync<StoredFrame>();
        Assert.Equal(("g1", 2L), (helloStored.ClientId, helloStored.Seq));
        var helloReceived = await memberSocket.NextAsync<MessageFrame>();
        Assert.Equal((2L, helloStored.SentAt), (helloReceived.Seq, helloReceived.SentAt));
        Assert.Equal(hello, helloReceived.Body);
        await memberSocket.AckAsync(chat, 2);
        Assert.Equal(2, (await guestSocket.NextAsync<DeliveredFrame>()).Seq);

        // Member to guest, and a typing notice that is relayed but never stored.
        var reply = GuestChatClient.RandomBytes(64);
        await memberSocket.SendStoredAsync(chat, "m1", reply);
        Assert.Equal(3, (await memberSocket.NextAsync<StoredFrame>()).Seq);
        var replyReceived = await guestSocket.NextAsync<MessageFrame>();
        Assert.Equal(3, replyReceived.Seq);
        Assert.Equal(reply, replyReceived.Body);
        await guestSocket.AckAsync(chat, 3);
        Assert.Equal(3, (await memberSocket.NextAsync<DeliveredFrame>()).Seq);
        await guestSocket.SendEphemeralAsync(chat, [4, 5, 6]);
        Assert.Equal(Base64UrlText.Encode([4, 5, 6]), (await memberSocket.NextAsync<EphemeralFrame>()).Body);

        // While blocked, the guest's sends are answered stored but never reach the member; after unblocking they do.
        await member.BlockAsync(chat);
        var blocked = await member.GetChatAsync(chat);
        Assert.Equal((ChatStates.Blocked, true), (blocked.State, blocked.Blocked));
        await guestSocket.SendStoredAsync(chat, "while-blocked", [1]);
        Assert.Equal(4, (await guestSocket.NextAsync<StoredFrame>()).Seq);
        await memberSocket.SendAsync(new PingFrame());
        await memberSocket.NextAsync<PongFrame>(); // nothing came before it
        Assert.Equal(ChatStates.Active, (await guest.GetGuestChatAsync()).State); // the guest is not told
        await member.UnblockAsync(chat);
        Assert.False((await member.GetChatAsync(chat)).Blocked);
        await guestSocket.SendStoredAsync(chat, "after", [2]);
        Assert.Equal(5, (await guestSocket.NextAsync<StoredFrame>()).Seq);
        var after = await memberSocket.NextAsync<MessageFrame>();
        Assert.Equal(5, after.Seq);
        Assert.Equal([2], after.Body);

        // The guest leaves: the chat ends for both.
        await guest.LeaveAsync();
        var ended = await memberSocket.NextAsync<ChatEventFrame>();
        Assert.Equal((chat, ChatEvents.Ended), (ended.ChatId, ended.Event));
        Assert.Equal(ChatEvents.Ended, (await guestSocket.NextAsync<ChatEventFrame>()).Event);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await guestSocket.ClosedAsync());
        Assert.Equal(ChatStates.Ended, (await member.GetChatAsync(chat)).State);
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.GetGuestChatAsync());

        await memberSocket.CloseAsync();
        await server.AssertStopsWithACleanLogAsync();
    }
}
