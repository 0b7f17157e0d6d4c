using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace GuestChat.Native.Tests;

/// <summary>
/// Bad input gets the same clear 4xx problems and socket close codes from the native executable as from the JIT
/// build: every problem body is written by source-generated JSON, which a type missing from a context breaks.
/// </summary>
[Collection(NativeBuild.Collection)]
public sealed class BadInputTests(NativeBuild build)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task AMalformedJsonBodyIsAValidationProblemWithItsErrors()
    {
        await using var server = await build.StartServerAsync();
        using var client = server.CreateClient();

        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": "abc", """));

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.Equal("The body is not valid JSON.", problem.GetProperty("errors").GetProperty("body")[0].GetString());
        await server.AssertStopsWithACleanLogAsync();
    }

    [Fact]
    public async Task MissingFieldsAreAValidationProblemNamingThem()
    {
        await using var server = await build.StartServerAsync();
        using var client = server.CreateClient();

        using var response = await client.Http.PostAsync("api/accounts", Json("""{"username": "missing_rest"}"""));

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
        Assert.Contains("password", problem.GetProperty("errors").ToString(), StringComparison.Ordinal);
        await server.AssertStopsWithACleanLogAsync();
    }

    [Fact]
    public async Task RefusedRequestsAreProblemsWithTheirStatusAndCode()
    {
        await using var server = await build.StartServerAsync();
        using var member = server.CreateClient();
        var username = "grace" + Convert.ToHexStringLower(GuestChatClient.RandomBytes(4));
        await member.CreateAccountAsync(username, "Grace", "correct horse battery");
        using var anonymous = server.CreateClient();
        using var noCsrfHeader = server.CreateClient();
        noCsrfHeader.Http.DefaultRequestHeaders.Remove("X-GuestChat");

        using var unknownPath = await anonymous.Http.GetAsync("api/uploads");
        await Problem.AssertAsync(unknownPath, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        using var withoutHeader = await noCsrfHeader.Http.PostAsync("api/accounts",
            Json("""{"username": "csrf_victim", "displayName": "x", "password": "long enough pw"}"""));
        await Problem.AssertAsync(withoutHeader, HttpStatusCode.Forbidden, ErrorCodes.Csrf);
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.InvalidCredentials,
            () => anonymous.SignInAsync(username, "wrong password here"));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => anonymous.MeAsync());
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationUnknown, () => anonymous.GetPublicInvitationAsync(InvitationId.New()));
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.ChatNotFound, () => member.GetChatAsync(ChatId.New()));
        using var wrongMethod = await member.Http.PutAsync("api/me", Json("{}"));
        await Problem.AssertAsync(wrongMethod, HttpStatusCode.MethodNotAllowed, ErrorCodes.MethodNotAllowed);
        using var notJson = await anonymous.Http.PostAsync("api/session", new StringContent("username=a&password=b", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problem.AssertAsync(notJson, HttpStatusCode.UnsupportedMediaType, ErrorCodes.UnsupportedMediaType);
        using var tooLarge = await anonymous.Http.PostAsync("api/accounts",
            Json($$"""{"username": "big_body", "displayName": "x", "password": "long enough pw", "padding": "{{new string('a', Limits.RequestBodyMaxBytes)}}"}"""));
        await Problem.AssertAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, ErrorCodes.BodyTooLarge);
        await server.AssertStopsWithACleanLogAsync();
    }

    /// <summary>The in-process sweep (HttpBadInputTests), against every endpoint's generated JSON binding.</summary>
    [Fact]
    public async Task GarbageOnEveryEndpointNeverCausesAServerErrorOrAnHtmlPage()
    {
        await using var server = await build.StartServerAsync();
        using var conversation = await Conversation.StartAsync(server.BaseUri);
        using var anonymous = server.CreateClient();
        await GarbageSweep.AssertNoServerErrorAsync(conversation, anonymous);
        await server.AssertStopsWithACleanLogAsync();
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"type\":\"upload\",\"file\":\"x\"}")]
    [InlineData("{\"type\":\"ack\",\"chatId\":\"x\",\"seq\":\"5\"}")]
    public async Task AFrameThatIsNotAKnownJsonFrameGetsAnErrorThenCloses1007(string frame)
    {
        await using var server = await build.StartServerAsync();
        using var conversation = await Conversation.StartAsync(server.BaseUri);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync(frame);

        Assert.Equal(ErrorCodes.InvalidFrame, (await guest.NextAsync<ErrorFrame>()).Code);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await guest.ClosedAsync());
        await server.AssertStopsWithACleanLogAsync();
    }

    [Fact]
    public async Task AFrameOverThirtyTwoKilobytesClosesTheSocketWith1009AndTheChatGoesOn()
    {
        await using var server = await build.StartServerAsync();
        using var conversation = await Conversation.StartAsync(server.BaseUri);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync(new string(' ', Limits.FrameMaxBytes + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await guest.ClosedAsync());
        await using var again = await conversation.ConnectGuestAsync();
        await again.NextAsync<ReadyFrame>();
        await again.SendStoredAsync(conversation.Chat, "after", [1]);
        Assert.Equal(2, (await again.NextAsync<StoredFrame>()).Seq);
        await again.CloseAsync();
        await server.AssertStopsWithACleanLogAsync();
    }
}
