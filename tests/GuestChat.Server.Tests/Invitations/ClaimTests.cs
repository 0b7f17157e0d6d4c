using System.Net;
using System.Security.Cryptography;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Invitations;

public sealed class ClaimTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    private async Task<(GuestChatClient Member, DeviceId Device, Invitation Invitation, byte[] Verifier)> InviteAsync(string name = "Inviter")
    {
        var member = Host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync(name);
        var (invitation, verifier) = await member.InviteAsync(device);
        return (member, device, invitation, verifier);
    }

    private async Task<ClaimRequest> ClaimRequestAsync(byte[] verifier, string name = "Guest") => new(
        name, (await Host.CreateClient().GetTermsAsync()).Version, GuestChatClient.RandomBytes(100), GuestChatClient.RandomBytes(32),
        verifier, GuestChatClient.RandomBytes(100));

    [Fact]
    public async Task AClaimCreatesTheChatIssuesAGuestSessionAndRecordsTheAcceptedTerms()
    {
        var (member, device, invitation, verifier) = await InviteAsync("Katherine");
        using var inviter = member;
        using var guest = Host.CreateClient();
        var claim = await ClaimRequestAsync(verifier, "  Dorothy ");

        using var response = await guest.RawAsync(HttpMethod.Post, $"api/invitations/{invitation.Id}/claim", claim);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gc_guest=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var view = await guest.GetGuestChatAsync();
        Assert.Equal((invitation.Id, "Katherine", "Dorothy", ChatStates.Active), (view.InvitationId, view.MemberName, view.GuestName, view.State));
        var chat = Assert.Single(await member.ListChatsAsync());
        Assert.Equal((view.ChatId, device, "Dorothy", ChatStates.Active, false), (chat.Id, chat.DeviceId, chat.GuestName, chat.State, chat.Blocked));
        Assert.Equal(claim.GuestKeys, chat.GuestKeys);
        Assert.Equal(claim.ClaimTag, chat.ClaimTag);
        Assert.Equal(claim.TermsVersion, TextOf("SELECT terms_version FROM chats WHERE id = $c", view.ChatId));
        Assert.Equal(Host.Clock.UnixMilliseconds, Database.Scalar(Host, "SELECT terms_accepted_at FROM chats WHERE id = $c", ("$c", view.ChatId.Value)));
    }

    [Fact]
    public async Task TheGuestTokenIsStoredOnlyAsItsHash()
    {
        using var conversation = await Conversation.StartAsync(Host);
        var token = conversation.Guest.Cookies.GetAllCookies()["gc_guest"]!.Value;

        Assert.Equal(43, token.Length);
        var hash = SHA256.HashData(Base64UrlDecode(token));
        Assert.Equal(1, Database.Scalar(Host, "SELECT COUNT(*) FROM guest_sessions WHERE token_hash = $h AND chat_id = $c",
            ("$h", hash), ("$c", conversation.Chat.Value)));
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM guest_sessions WHERE token_hash = $t", ("$t", Base64UrlDecode(token))));
    }

    [Fact]
    public async Task TheServerKeepsOnlyTheHashOfTheClaimVerifier()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;

        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM invitations WHERE claim_verifier = $v", ("$v", verifier)));
        Assert.Equal(1, Database.Scalar(Host, "SELECT COUNT(*) FROM invitations WHERE id = $i AND claim_verifier = $h",
            ("$i", invitation.Id.Value), ("$h", System.Security.Cryptography.SHA256.HashData(verifier))));
    }

    [Fact]
    public async Task AWrongClaimVerifierIsRefusedAndUsesNothingUp()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        using var guest = Host.CreateClient();

        var wrong = (byte[])verifier.Clone();
        wrong[^1] ^= 1;
        await Problem.ThrowsAsync(HttpStatusCode.Forbidden, ErrorCodes.ClaimVerifierMismatch, () => guest.ClaimAsync(invitation.Id, wrong));

        Assert.Empty(guest.Cookies.GetAllCookies());
        Assert.Empty(await member.ListChatsAsync());
        await guest.ClaimAsync(invitation.Id, verifier);
        Assert.Single(await member.ListChatsAsync());
    }

    [Fact]
    public async Task AReplayedClaimIsAlreadyUsed()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        var claim = await ClaimRequestAsync(verifier);
        using var guest = Host.CreateClient();
        await guest.ClaimAsync(invitation.Id, claim);
        using var replayer = Host.CreateClient();

        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.InvitationUsed, () => replayer.ClaimAsync(invitation.Id, claim));
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.InvitationUsed, () => guest.ClaimAsync(invitation.Id, claim));

        Assert.Single(await member.ListChatsAsync());
        Assert.Empty(replayer.Cookies.GetAllCookies());
    }

    [Fact]
    public async Task OfConcurrentClaimsExactlyOneWins()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        var guests = Enumerable.Range(0, 16).Select(_ => Host.CreateClient()).ToList();
        var claims = await Task.WhenAll(guests.Select(async g => await ClaimRequestAsync(verifier, "Racer")));

        var outcomes = await Task.WhenAll(guests.Select(async (guest, i) =>
        {
            using var response = await guest.RawAsync(HttpMethod.Post, $"api/invitations/{invitation.Id}/claim", claims[i]);
            return (response.StatusCode, Code: response.IsSuccessStatusCode ? null : (await Problem.AssertAsync(response, response.StatusCode, ErrorCodes.InvitationUsed)).GetProperty("code").GetString());
        }));

        Assert.Single(outcomes, o => o.StatusCode == HttpStatusCode.Created);
        Assert.All(outcomes.Where(o => o.StatusCode != HttpStatusCode.Created), o => Assert.Equal((HttpStatusCode.Conflict, ErrorCodes.InvitationUsed), o));
        Assert.Single(await member.ListChatsAsync());
        Assert.Single(guests, g => g.Cookies.GetAllCookies()["gc_guest"] is not null);
        guests.ForEach(g => g.Dispose());
    }

    [Fact]
    public async Task AClaimForOtherTermsThanTheCurrentOnesIsTermsChanged()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        using var guest = Host.CreateClient();
        var claim = await ClaimRequestAsync(verifier) with { TermsVersion = "0123456789abcdef" };

        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.TermsChanged, () => guest.ClaimAsync(invitation.Id, claim));
        Assert.Empty(await member.ListChatsAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    [InlineData("abcdefghijklmnopqrstuvwxyz")]
    [InlineData("bell\u0007")]
    [InlineData("new\nline")]
    [InlineData("evil\u202Eexe.txt")]
    [InlineData("\u2066isolate\u2069")]
    [InlineData("mark\u200F")]
    [InlineData("arabic\u061Cmark")]
    public async Task AGuestNameThatIsEmptyTooLongOrHasControlOrDirectionCharactersIsRefused(string name)
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        using var guest = Host.CreateClient();

        using var response = await guest.RawAsync(HttpMethod.Post, $"api/invitations/{invitation.Id}/claim", await ClaimRequestAsync(verifier, name));

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("displayName", out _));
        await Host.CreateClient().GetPublicInvitationAsync(invitation.Id); // still open
    }

    [Fact]
    public async Task AGuestNameOfTwentyFiveCharactersWithEmojiAndAccentsIsAccepted()
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        using var guest = Host.CreateClient();
        var name = "Zoë 👩🏽‍💻 " + new string('x', 19);

        var view = await guest.ClaimAsync(invitation.Id, await ClaimRequestAsync(verifier, name));

        Assert.Equal(name, view.GuestName);
    }

    [Theory]
    [InlineData("guestKeys", 0)]
    [InlineData("guestKeys", Limits.GuestKeysMaxBytes + 1)]
    [InlineData("claimTag", 31)]
    [InlineData("claimVerifier", 33)]
    [InlineData("firstEnvelope", 0)]
    [InlineData("firstEnvelope", Limits.EnvelopeMaxBytes + 1)]
    public async Task ClaimFieldsOutsideTheirSizeLimitsAreRefused(string field, int size)
    {
        var (member, _, invitation, verifier) = await InviteAsync();
        using var inviter = member;
        using var guest = Host.CreateClient();
        var claim = await ClaimRequestAsync(verifier);
        var bytes = new byte[size];
        claim = field switch
        {
            "guestKeys" => claim with { GuestKeys = bytes },
            "claimTag" => claim with { ClaimTag = bytes },
            "claimVerifier" => claim with { ClaimVerifier = bytes },
            _ => claim with { FirstEnvelope = bytes },
        };

        using var response = await guest.RawAsync(HttpMethod.Post, $"api/invitations/{invitation.Id}/claim", claim);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task AClaimOfAnUnknownInvitationIsInvitationUnknown()
    {
        using var guest = Host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown,
            () => guest.ClaimAsync(InvitationId.New(), GuestChatClient.RandomBytes(32)));
    }

    [Fact]
    public async Task ALaterClaimInTheSameBrowserReplacesTheGuestSession()
    {
        var (first, _, firstInvitation, firstVerifier) = await InviteAsync();
        var (second, _, secondInvitation, secondVerifier) = await InviteAsync();
        using var a = first;
        using var b = second;
        using var guest = Host.CreateClient();

        await guest.ClaimAsync(firstInvitation.Id, firstVerifier);
        var latest = await guest.ClaimAsync(secondInvitation.Id, secondVerifier);

        Assert.Equal(latest.ChatId, (await guest.GetGuestChatAsync()).ChatId);
    }

    private string TextOf(string sql, ChatId chat)
    {
        using var connection = Database.Open(Host);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$c", chat.Value);
        return (string)command.ExecuteScalar()!;
    }

    private static byte[] Base64UrlDecode(string text) =>
        Base64UrlText.TryDecode(text, out var bytes) ? bytes : throw new FormatException();
}
