using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Invitations;

public sealed class PublicInvitationTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public async Task AnyoneWithTheIdSeesTheInvitersNameTheBundleAndTheTermsVersion()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync("Grace Hopper");
        var invitation = await member.CreateInvitationAsync(device);
        var bundle = GuestChatClient.RandomBytes(500);
        var tag = GuestChatClient.RandomBytes(32);
        await member.UploadBundleAsync(invitation.Id, bundle, tag, GuestChatClient.RandomBytes(32));
        using var anyone = Host.CreateClient();

        var seen = await anyone.GetPublicInvitationAsync(invitation.Id);

        Assert.Equal((invitation.Id, "Grace Hopper", invitation.ExpiresAt), (seen.Id, seen.InviterName, seen.ExpiresAt));
        Assert.Equal(bundle, seen.Bundle);
        Assert.Equal(tag, seen.BundleTag);
        Assert.Equal((await anyone.GetTermsAsync()).Version, seen.TermsVersion);
        Assert.Equal(invitation.ExpiresAt - invitation.CreatedAt, seen.InactivityPeriodMs);
    }

    [Fact]
    public async Task FetchingThePublicInvitationUsesNothingUp()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        using var scanner = Host.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await scanner.GetPublicInvitationAsync(invitation.Id);
        }

        using var guest = Host.CreateClient();
        var chat = await guest.ClaimAsync(invitation.Id, verifier);

        Assert.Equal(invitation.Id, chat.InvitationId);
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM chats WHERE invitation_id = $i AND id <> $c",
            ("$i", invitation.Id.Value), ("$c", chat.ChatId.Value)));
    }

    [Fact]
    public async Task UnknownMalformedOrBundlelessIdsAreInvitationUnknown()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var bundleless = await member.CreateInvitationAsync(device);
        using var anyone = Host.CreateClient();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown, () => anyone.GetPublicInvitationAsync(InvitationId.New()));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown, () => anyone.GetPublicInvitationAsync(bundleless.Id));
        foreach (var malformed in new[] { "abc", "AAAAAAAAAAAAAAAAAAAAAB", "AAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAA%2B" })
        {
            using var response = await anyone.RawAsync(HttpMethod.Get, $"api/invitations/{malformed}/public");
            await Problem.AssertAsync(response, HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown);
        }
    }

    [Fact]
    public async Task AUsedInvitationIsAlreadyUsed()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var anyone = Host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.InvitationUsed, () => anyone.GetPublicInvitationAsync(conversation.Invitation));
    }

    [Fact]
    public async Task ACancelledInvitationIsGoneAsCancelled()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        await member.CancelInvitationAsync(invitation.Id);
        using var guest = Host.CreateClient();

        await Problem.ThrowsAsync(HttpStatusCode.Gone, ErrorCodes.InvitationCancelled, () => guest.GetPublicInvitationAsync(invitation.Id));
        await Problem.ThrowsAsync(HttpStatusCode.Gone, ErrorCodes.InvitationCancelled, () => guest.ClaimAsync(invitation.Id, verifier));
    }
}
