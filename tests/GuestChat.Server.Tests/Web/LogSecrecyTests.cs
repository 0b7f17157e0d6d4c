using System.Net;
using System.Text;

namespace GuestChat.Server.Tests.Web;

public sealed class LogSecrecyTests
{
    /// <summary>
    /// A whole life of a chat, with mistakes along the way, and then every log line the server wrote (all
    /// categories, Information and up) is searched for each secret in every encoding it travelled in.
    /// </summary>
    [Fact]
    public async Task NoEnvelopeBodyTokenPasswordVerifierOrKeyAppearsInTheLogs()
    {
        await using var host = await GuestChatHost.StartAsync(new GuestChatHostOptions { RelaxRateLimits = true });
        var secrets = new List<byte[]>();
        byte[] Secret(int size) { var bytes = GuestChatClient.RandomBytes(size); secrets.Add(bytes); return bytes; }
        const string password = "Tr0ub4dor&3-very-secret";

        using var member = host.CreateClient();
        await member.CreateAccountAsync("log_member", "Log Member", password);
        using var wrong = host.CreateClient();
        await Assert.ThrowsAsync<ApiException>(() => wrong.SignInAsync("log_member", password + "x"));
        await member.SignInAsync("log_member", password);
        var device = await member.RegisterDeviceAsync(Secret(200));
        var invitation = await member.CreateInvitationAsync(device);
        var verifier = Secret(32);
        await member.UploadBundleAsync(invitation.Id, Secret(900), Secret(32), verifier);
        using var guest = host.CreateClient();
        var terms = await guest.GetTermsAsync();
        await Assert.ThrowsAsync<ApiException>(() => guest.ClaimAsync(invitation.Id, new ClaimRequest("Guesty", terms.Version, Secret(100), Secret(32), Secret(32), Secret(300))));
        var chat = await guest.ClaimAsync(invitation.Id, new ClaimRequest("Guesty", terms.Version, Secret(100), Secret(32), verifier, Secret(300)));
        using var malformed = await member.Http.PostAsync("api/accounts",
            new StringContent($$"""{"username":"x","password":"{{password}}","displayName":""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        await using (var memberSocket = await member.ConnectMemberAsync(device))
        await using (var guestSocket = await guest.ConnectGuestAsync())
        {
            await guestSocket.NextAsync<ReadyFrame>();
            await memberSocket.WaitForAsync<ReadyFrame>();
            await guestSocket.SendStoredAsync(chat.ChatId, "c1", Secret(500));
            await guestSocket.SendEphemeralAsync(chat.ChatId, Secret(40));
            await guestSocket.SendStoredAsync(chat.ChatId, "too-big", Secret(Limits.EnvelopeMaxBytes + 1));
            await memberSocket.SendStoredAsync(chat.ChatId, "m1", Secret(600));
            await memberSocket.WaitForAsync<StoredFrame>();
            await guestSocket.WaitForAsync<ErrorFrame>();
            await memberSocket.SendRawAsync("{\"type\":\"send\",\"body\":\"" + Base64UrlText.Encode(Secret(64)) + "\"}");
            await memberSocket.ClosedAsync();
        }
        await member.BlockAsync(chat.ChatId);
        await guest.LeaveAsync();
        await host.RestartAsync();
        host.Clock.Advance(TimeSpan.FromDays(11));
        await member.SignOutAsync();

        var cookies = member.Cookies.GetAllCookies().Concat(guest.Cookies.GetAllCookies()).Select(c => c.Value).Where(v => v.Length > 0);
        var forbidden = secrets.SelectMany(Encodings).Concat(cookies).Append(password).ToList();
        var logs = host.Logs.AllText;
        Assert.Contains(chat.ChatId.Value, logs, StringComparison.Ordinal); // the logs do say what happened, by id
        Assert.All(forbidden, secret => Assert.DoesNotContain(secret, logs, StringComparison.Ordinal));
    }

    private static IEnumerable<string> Encodings(byte[] secret)
    {
        // A fragment long enough never to occur by chance, from the start and from the middle.
        foreach (var text in new[] { Base64UrlText.Encode(secret), Convert.ToBase64String(secret), Convert.ToHexString(secret), Convert.ToHexStringLower(secret) })
        {
            yield return text[..Math.Min(16, text.Length)];
            yield return text.Substring(text.Length / 2, Math.Min(16, text.Length / 2));
        }
    }
}
