using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Invitations;

public sealed class InvitationTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    [Fact]
    public async Task ADeviceCreatesAnInvitationWithARandomIdThatExpiresInTenDays()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();

        var first = await member.CreateInvitationAsync(device);
        var second = await member.CreateInvitationAsync(device);

        Assert.True(RandomId.IsValid(first.Id.Value));
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal((device, false), (first.DeviceId, first.HasBundle));
        Assert.Equal(first.CreatedAt + (long)TimeSpan.FromDays(10).TotalMilliseconds, first.ExpiresAt);
    }

    [Fact]
    public async Task AnInvitationNeedsOneOfTheMembersOwnDevices()
    {
        using var owner = Host.CreateClient();
        var (_, device) = await owner.CreateMemberWithDeviceAsync();
        using var stranger = Host.CreateClient();
        await stranger.CreateMemberWithDeviceAsync();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.DeviceNotFound, () => stranger.CreateInvitationAsync(device));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.DeviceNotFound, () => stranger.CreateInvitationAsync(DeviceId.New()));
        using var malformed = await stranger.RawAsync(HttpMethod.Post, "api/invitations", new CreateInvitationRequest("short"));
        await Problem.AssertAsync(malformed, HttpStatusCode.NotFound, ErrorCodes.DeviceNotFound);
    }

    [Fact]
    public async Task AMemberHoldsAtMostTwentyUnusedInvitations()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var invitations = new List<Invitation>();
        for (var i = 0; i < Limits.MaxUnusedInvitations; i++)
        {
            invitations.Add(await member.CreateInvitationAsync(device));
        }

        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.TooManyInvitations, () => member.CreateInvitationAsync(device));
        await member.CancelInvitationAsync(invitations[0].Id);
        await member.CreateInvitationAsync(device);
    }

    [Fact]
    public async Task TheBundleIsUploadedOnceWithCheckedSizes()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var invitation = await member.CreateInvitationAsync(device);

        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation,
            () => member.UploadBundleAsync(invitation.Id, [1], new byte[31], new byte[32]));
        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation,
            () => member.UploadBundleAsync(invitation.Id, new byte[Limits.BundleMaxBytes + 1], new byte[32], new byte[32]));
        await Problem.ThrowsAsync(HttpStatusCode.BadRequest, ErrorCodes.Validation,
            () => member.UploadBundleAsync(invitation.Id, [], new byte[32], new byte[33]));
        await member.UploadBundleAsync(invitation.Id, new byte[Limits.BundleMaxBytes], new byte[32], new byte[32]);
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.BundleAlreadySet,
            () => member.UploadBundleAsync(invitation.Id, [1], new byte[32], new byte[32]));
        Assert.True(Assert.Single(await member.ListInvitationsAsync()).HasBundle);
    }

    [Fact]
    public async Task TheListHoldsOnlyUnusedInvitationsNewestFirst()
    {
        using var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (used, verifier) = await member.InviteAsync(device);
        var cancelled = await member.CreateInvitationAsync(device);
        var older = await member.CreateInvitationAsync(device);
        Host.Clock.Advance(TimeSpan.FromMilliseconds(5));
        var newer = await member.CreateInvitationAsync(device);
        await member.CancelInvitationAsync(cancelled.Id);
        using var guest = Host.CreateClient();
        await guest.ClaimAsync(used.Id, verifier);

        var list = await member.ListInvitationsAsync();

        Assert.Equal([newer.Id, older.Id], list.Select(i => i.Id));
    }

    [Fact]
    public async Task AUsedInvitationCannotBeCancelled()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.InvitationUsed, () => conversation.Member.CancelInvitationAsync(conversation.Invitation));
    }

    [Fact]
    public async Task AnotherMembersInvitationIsNotFound()
    {
        using var owner = Host.CreateClient();
        var (_, device) = await owner.CreateMemberWithDeviceAsync();
        var invitation = await owner.CreateInvitationAsync(device);
        using var stranger = Host.CreateClient();
        await stranger.CreateMemberWithDeviceAsync();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationNotFound,
            () => stranger.UploadBundleAsync(invitation.Id, [1], new byte[32], new byte[32]));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationNotFound, () => stranger.CancelInvitationAsync(invitation.Id));
        Assert.Single(await owner.ListInvitationsAsync());
        using var malformed = await stranger.RawAsync(HttpMethod.Delete, "api/invitations/%3Cscript%3E");
        await Problem.AssertAsync(malformed, HttpStatusCode.NotFound, ErrorCodes.InvitationNotFound);
    }
}
