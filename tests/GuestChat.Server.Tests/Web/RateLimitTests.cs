using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Web;

/// <summary>Floods past each named limit (<c>GuestChat:RateLimits:*</c>, lowered here) are answered 429 with Retry-After.</summary>
public sealed class RateLimitTests
{
    private static Task<GuestChatHost> StartWithLimitAsync(string name, int permits)
    {
        var options = new GuestChatHostOptions { RelaxRateLimits = true };
        options.Configuration[$"GuestChat:RateLimits:{name}:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Configuration[$"GuestChat:RateLimits:{name}:Window"] = "01:00:00";
        return GuestChatHost.StartAsync(options);
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        await Problem.AssertAsync(response, HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task SignInsAreLimitedPerUsername()
    {
        await using var host = await StartWithLimitAsync("SignInPerUsername", 3);
        using var client = host.CreateClient();
        var member = await client.CreateAccountAsync("limited_user", "Limited", "correct horse battery");
        for (var i = 0; i < 3; i++)
        {
            await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => client.SignInAsync("limited_user", "wrong password!"));
        }

        using var limited = await client.RawAsync(HttpMethod.Post, "api/session", new SignInRequest("LIMITED_USER", "correct horse battery"));

        await AssertLimitedAsync(limited);
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => client.SignInAsync("other_user", "wrong password!"));
        Assert.Equal(member.Id, (await client.MeAsync()).Id); // the existing session is untouched
    }

    [Fact]
    public async Task SignInsAreLimitedPerAddress()
    {
        await using var host = await StartWithLimitAsync("SignInPerAddress", 2);
        using var client = host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => client.SignInAsync("first_name", "wrong password!"));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials, () => client.SignInAsync("second_name", "wrong password!"));

        using var limited = await client.RawAsync(HttpMethod.Post, "api/session", new SignInRequest("third_name", "wrong password!"));

        await AssertLimitedAsync(limited);
    }

    [Fact]
    public async Task AccountCreationIsLimitedPerAddress()
    {
        await using var host = await StartWithLimitAsync("AccountCreationPerAddress", 2);
        using var client = host.CreateClient();
        await client.CreateAccountAsync("flood_one", "One", "correct horse battery");
        await client.CreateAccountAsync("flood_two", "Two", "correct horse battery");

        using var limited = await client.RawAsync(HttpMethod.Post, "api/accounts", new CreateAccountRequest("flood_three", "Three", "correct horse battery"));

        await AssertLimitedAsync(limited);
        Assert.Equal(2, Database.Scalar(host, "SELECT COUNT(*) FROM members"));
    }

    [Fact]
    public async Task InvitationCreationIsLimitedPerMember()
    {
        await using var host = await StartWithLimitAsync("InvitationCreationPerMember", 2);
        using var first = host.CreateClient();
        var (_, device) = await first.CreateMemberWithDeviceAsync();
        await first.CreateInvitationAsync(device);
        await first.CreateInvitationAsync(device);

        using var limited = await first.RawAsync(HttpMethod.Post, "api/invitations", new CreateInvitationRequest(device.Value));

        await AssertLimitedAsync(limited);
        using var second = host.CreateClient();
        var (_, otherDevice) = await second.CreateMemberWithDeviceAsync();
        await second.CreateInvitationAsync(otherDevice); // another member from the same address is not affected
    }

    [Fact]
    public async Task PublicInvitationLookupsAreLimitedPerAddressSoIdsCannotBeGuessed()
    {
        await using var host = await StartWithLimitAsync("InvitationLookupPerAddress", 5);
        using var guesser = host.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown, () => guesser.GetPublicInvitationAsync(InvitationId.New()));
        }

        using var limited = await guesser.RawAsync(HttpMethod.Get, $"api/invitations/{InvitationId.New()}/public");

        await AssertLimitedAsync(limited);
    }

    [Fact]
    public async Task ClaimsAreLimitedPerAddress()
    {
        await using var host = await StartWithLimitAsync("ClaimPerAddress", 2);
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        using var guest = host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Forbidden, ErrorCodes.ClaimVerifierMismatch, () => guest.ClaimAsync(invitation.Id, new byte[32]));
        await Problem.ThrowsAsync(HttpStatusCode.Forbidden, ErrorCodes.ClaimVerifierMismatch, () => guest.ClaimAsync(invitation.Id, new byte[32]));

        var problem = await Problem.ThrowsAsync(HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited, () => guest.ClaimAsync(invitation.Id, verifier));

        Assert.NotNull(problem);
        Assert.Empty(await member.ListChatsAsync());
    }

    [Fact]
    public async Task SendsPastTheSocketLimitAreRefusedWithRateLimitedAndNotStored()
    {
        await using var host = await StartWithLimitAsync("SendsPerSocket", 3);
        using var conversation = await Conversation.StartAsync(host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        for (var i = 0; i < 3; i++)
        {
            await guest.SendStoredAsync(conversation.Chat, $"ok{i}", [1]);
            await guest.NextAsync<StoredFrame>();
        }

        await guest.SendStoredAsync(conversation.Chat, "flood", [1]);

        var error = await guest.NextAsync<ErrorFrame>();
        Assert.Equal((ErrorCodes.RateLimited, "flood"), (error.Code, error.ClientId));
        Assert.Equal(4, Database.QueuedEnvelopes(host, conversation.Chat));
        host.Clock.Advance(TimeSpan.FromHours(1)); // the bucket refills with time
        await guest.SendStoredAsync(conversation.Chat, "later", [1]);
        Assert.Equal("later", (await guest.NextAsync<StoredFrame>()).ClientId);
    }
}
