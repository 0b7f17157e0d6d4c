using System.Net;
using System.Text;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.BadInput;

/// <summary>Each kind of bad HTTP input gets a clear 4xx problem, changes nothing stored, and never a 500.</summary>
public sealed class HttpBadInputTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task MalformedJsonIsAValidationProblem()
    {
        using var client = Host.CreateClient();
        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": "abc", """));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM members WHERE username = 'abc'"));
    }

    [Fact]
    public async Task MissingFieldsAreAValidationProblemNamingThem()
    {
        using var client = Host.CreateClient();
        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": "missing_rest"}"""));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.Contains("password", problem.GetProperty("errors").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullFieldsAreAValidationProblem()
    {
        using var client = Host.CreateClient();
        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": null, "displayName": "x", "password": "long enough pw"}"""));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("username", out _));
    }

    [Fact]
    public async Task WrongTypedFieldsAreAValidationProblemNamingThem()
    {
        using var client = Host.CreateClient();
        await client.CreateMemberWithDeviceAsync();
        foreach (var (path, body, field) in new[]
        {
            ("api/accounts", """{"username": 12, "displayName": "x", "password": "long enough pw"}""", "username"),
            ("api/devices", """{"publicKeys": [1, 2, 3]}""", "publicKeys"),
            ("api/devices", """{"publicKeys": "not base64url!"}""", "publicKeys"),
            ("api/invitations", """{"deviceId": {"id": 1}}""", "deviceId"),
        })
        {
            using var response = await client.Http.PostAsync(path, Json(body));
            var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task ABodyOverSixtyFourKilobytesIsBodyTooLarge()
    {
        using var client = Host.CreateClient();
        var padding = new string('a', Limits.RequestBodyMaxBytes);
        using var response = await client.Http.PostAsync("api/accounts",
            Json($$"""{"username": "big_body", "displayName": "x", "password": "long enough pw", "padding": "{{padding}}"}"""));
        await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BodyTooLarge);
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM members WHERE username = 'big_body'"));
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIsUnsupportedMediaType()
    {
        using var client = Host.CreateClient();
        using var response = await client.Http.PostAsync("api/session", new StringContent("username=a&password=b", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType);
    }

    [Fact]
    public async Task AnUnknownApiPathIsANotFoundProblem()
    {
        using var client = Host.CreateClient();
        using var unknown = await client.Http.GetAsync("api/uploads");
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        using var withExtension = await client.Http.GetAsync("api/calls.json");
        await Problem.AssertAsync(withExtension, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Fact]
    public async Task AWrongMethodOnAKnownPathIsAMethodNotAllowedProblem()
    {
        using var client = Host.CreateClient();
        using var response = await client.Http.PutAsync("api/me", Json("{}"));
        await Problem.AssertAsync(response, HttpStatusCode.MethodNotAllowed, ErrorCodes.MethodNotAllowed);
    }

    [Fact]
    public async Task AStateChangeWithoutTheCsrfHeaderIsRefused()
    {
        using var client = Host.CreateClient();
        client.Http.DefaultRequestHeaders.Remove("X-GuestChat");
        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": "csrf_victim", "displayName": "x", "password": "long enough pw"}"""));
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.Csrf);
        Assert.Equal(0, Database.Scalar(Host, "SELECT COUNT(*) FROM members WHERE username = 'csrf_victim'"));
    }

    [Fact]
    public async Task AStateChangeFromAForeignOriginIsRefused()
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/accounts")
        {
            Content = Json("""{"username": "csrf_origin", "displayName": "x", "password": "long enough pw"}"""),
        };
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await client.Http.SendAsync(request);
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden, ErrorCodes.Csrf);
    }

    [Fact]
    public async Task AStateChangeFromOurOwnOriginIsAccepted()
    {
        using var client = Host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/accounts")
        {
            Content = Json($$"""{"username": "{{"o" + Convert.ToHexStringLower(GuestChatClient.RandomBytes(5))}}", "displayName": "x", "password": "long enough pw"}"""),
        };
        request.Headers.Add("Origin", client.Origin);
        using var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task UnknownIdsAreNotFound()
    {
        using var member = Host.CreateClient();
        await member.CreateMemberWithDeviceAsync();
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => member.GetChatAsync(ChatId.New()));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.DeviceNotFound, () => member.CreateInvitationAsync(DeviceId.New()));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationNotFound, () => member.CancelInvitationAsync(InvitationId.New()));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown, () => member.GetPublicInvitationAsync(InvitationId.New()));
        using var malformed = await member.Http.GetAsync("api/chats/..%2F..%2Fetc");
        await Problem.AssertAsync(malformed, HttpStatusCode.NotFound, ErrorCodes.ChatNotFound);
    }

    [Fact]
    public async Task AnotherMembersChatIsNotFound()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var stranger = Host.CreateClient();
        await stranger.CreateMemberWithDeviceAsync();

        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => stranger.GetChatAsync(conversation.Chat));
        Assert.Empty(await stranger.ListChatsAsync());
    }

    [Fact]
    public async Task AGuestsCookieOnMemberEndpointsIsNotSignedIn()
    {
        using var conversation = await Conversation.StartAsync(Host);
        var guest = conversation.Guest;

        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.MeAsync());
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.ListChatsAsync());
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.GetChatAsync(conversation.Chat));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.BlockAsync(conversation.Chat));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.RegisterDeviceAsync());
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => guest.ListInvitationsAsync());
        Assert.False((await conversation.Member.GetChatAsync(conversation.Chat)).Blocked);
    }

    [Fact]
    public async Task AMembersCookieOnGuestEndpointsIsNotSignedIn()
    {
        using var conversation = await Conversation.StartAsync(Host);
        var member = conversation.Member;

        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => member.GetGuestChatAsync());
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => member.LeaveAsync());
        Assert.Equal(ChatStates.Active, (await conversation.Guest.GetGuestChatAsync()).State);
    }

    [Fact]
    public async Task AForgedGuestCookieIsNotSignedIn()
    {
        using var client = Host.CreateClient();
        foreach (var value in new[] { "x", new string('A', 43), Base64UrlText.Encode(GuestChatClient.RandomBytes(32)), "%00%01" })
        {
            client.Cookies.Add(client.BaseUri, new System.Net.Cookie("gc_guest", value));
            await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => client.GetGuestChatAsync());
        }
    }

    [Fact]
    public async Task GarbageNeverCausesAServerErrorOrAnHtmlPage()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var stranger = Host.CreateClient();
        await GarbageSweep.AssertNoServerErrorAsync(conversation, stranger);
        Assert.DoesNotContain(Host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}
