using System.Net;
using System.Net.WebSockets;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.BadInput;

/// <summary>Bad WebSocket input: refused before the upgrade, or answered with an error frame or a documented close code.</summary>
public sealed class SocketBadInputTests(SharedServer server) : IClassFixture<SharedServer>
{
    private GuestChatHost Host => server.Host;

    private static async Task<HttpStatusCode> RefusedUpgradeAsync(Func<Task> connect)
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(connect);
        foreach (var status in new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.BadRequest })
        {
            if (error.Message.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                return status;
            }
        }
        throw new Xunit.Sdk.XunitException("Unexpected refusal: " + error.Message);
    }

    [Fact]
    public async Task ASocketFromAForeignOriginIsRefusedBeforeTheUpgrade()
    {
        using var conversation = await Conversation.StartAsync(Host);

        Assert.Equal(HttpStatusCode.Forbidden, await RefusedUpgradeAsync(() =>
            conversation.Member.ConnectAsync($"ws/member?device={conversation.Device}", origin: "https://evil.example")));
        Assert.Equal(HttpStatusCode.Forbidden, await RefusedUpgradeAsync(() =>
            conversation.Guest.ConnectAsync("ws/guest", origin: "http://127.0.0.1:1")));
    }

    [Fact]
    public async Task ASocketWithoutTheRightCookieIsRefusedBeforeTheUpgrade()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var anonymous = Host.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedUpgradeAsync(() => anonymous.ConnectMemberAsync(conversation.Device)));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedUpgradeAsync(() => anonymous.ConnectGuestAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedUpgradeAsync(() => conversation.Guest.ConnectMemberAsync(conversation.Device)));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefusedUpgradeAsync(() => conversation.Member.ConnectGuestAsync()));
    }

    [Fact]
    public async Task AMemberSocketForADeviceThatIsNotTheMembersIsNotFound()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var stranger = Host.CreateClient();
        await stranger.CreateMemberWithDeviceAsync();

        Assert.Equal(HttpStatusCode.NotFound, await RefusedUpgradeAsync(() => stranger.ConnectMemberAsync(conversation.Device)));
        Assert.Equal(HttpStatusCode.NotFound, await RefusedUpgradeAsync(() => stranger.ConnectAsync("ws/member?device=nonsense")));
        Assert.Equal(HttpStatusCode.NotFound, await RefusedUpgradeAsync(() => stranger.ConnectAsync("ws/member")));
    }

    [Fact]
    public async Task APlainGetOnASocketPathIsABadRequestProblem()
    {
        using var conversation = await Conversation.StartAsync(Host);
        using var response = await conversation.Guest.Http.GetAsync("ws/guest");
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, ErrorCodes.Validation);
    }

    [Fact]
    public async Task AFrameOverThirtyTwoKilobytesClosesTheSocketWith1009()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync(new string(' ', Limits.FrameMaxBytes + 1));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await guest.ClosedAsync());
        Assert.Equal(ChatStates.Active, (await conversation.Guest.GetGuestChatAsync()).State);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"type\":\"upload\",\"file\":\"x\"}")]
    [InlineData("{\"chatId\":\"x\"}")]
    [InlineData("[]")]
    [InlineData("{\"type\":\"send\",\"chatId\":\"x\",\"kind\":\"stored\"}")]
    [InlineData("{\"type\":\"send\",\"chatId\":\"x\",\"clientId\":\"c\",\"kind\":\"call\",\"body\":\"AA\"}")]
    [InlineData("{\"type\":\"ack\",\"chatId\":\"x\",\"seq\":\"5\"}")]
    public async Task AFrameThatIsNotAKnownJsonFrameGetsAnErrorThenCloses1007(string frame)
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync(frame);

        Assert.Equal(ErrorCodes.InvalidFrame, (await guest.NextAsync<ErrorFrame>()).Code);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await guest.ClosedAsync());
    }

    [Fact]
    public async Task ABinaryFrameGetsAnErrorThenCloses1007()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendRawAsync([1, 2, 3], WebSocketMessageType.Binary);

        Assert.Equal(ErrorCodes.InvalidFrame, (await guest.NextAsync<ErrorFrame>()).Code);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await guest.ClosedAsync());
    }

    [Fact]
    public async Task AnEnvelopeOverSixteenKilobytesIsRefusedAndTheSocketStaysOpen()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendStoredAsync(conversation.Chat, "big", new byte[Limits.EnvelopeMaxBytes + 1]);
        var error = await guest.NextAsync<ErrorFrame>();
        await guest.SendStoredAsync(conversation.Chat, "largest", new byte[Limits.EnvelopeMaxBytes]);

        Assert.Equal((ErrorCodes.BodyTooLarge, "big", conversation.Chat), (error.Code, error.ClientId, error.ChatId));
        Assert.Equal("largest", (await guest.NextAsync<StoredFrame>()).ClientId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AQ==")]
    [InlineData("not base64!")]
    [InlineData("A")]
    public async Task AnEnvelopeBodyThatIsEmptyOrNotBase64UrlIsInvalidBody(string body)
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendAsync(new SendFrame(conversation.Chat.Value, "bad", EnvelopeKinds.Stored, body));

        var error = await guest.NextAsync<ErrorFrame>();
        Assert.Equal((ErrorCodes.InvalidBody, "bad"), (error.Code, error.ClientId));
        Assert.Equal(1, Database.QueuedEnvelopes(Host, conversation.Chat));
    }

    [Fact]
    public async Task ASendToAnUnknownOrMalformedChatIsChatNotFound()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await guest.SendStoredAsync(ChatId.New(), "unknown", [1]);
        Assert.Equal(ErrorCodes.ChatNotFound, (await guest.NextAsync<ErrorFrame>()).Code);
        await guest.SendAsync(new SendFrame("../../", "malformed", EnvelopeKinds.Stored, "AQ"));
        Assert.Equal(ErrorCodes.ChatNotFound, (await guest.NextAsync<ErrorFrame>()).Code);
        await guest.SendAsync(new AckFrame("nope", 3));
        Assert.Equal(ErrorCodes.ChatNotFound, (await guest.NextAsync<ErrorFrame>()).Code);
    }

    [Fact]
    public async Task AnAcknowledgementBeyondTheLastSequenceDeletesOnlyWhatExists()
    {
        using var conversation = await Conversation.StartAsync(Host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        await member.AckAsync(conversation.Chat, long.MaxValue);

        Assert.Equal(1, (await guest.NextAsync<DeliveredFrame>()).Seq);
        await guest.SendStoredAsync(conversation.Chat, "next", [1]);
        Assert.Equal(2, (await member.NextAsync<MessageFrame>()).Seq);
    }
}
