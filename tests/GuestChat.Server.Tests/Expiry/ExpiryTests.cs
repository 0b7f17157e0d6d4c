using GuestChat.Server.Expiry;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.WebSockets;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Expiry;

public sealed class ExpiryTests
{
    private static readonly TimeSpan TenDays = TimeSpan.FromDays(10);

    private static Task<GuestChatHost> StartAsync(Action<GuestChatHostOptions>? configure = null)
    {
        var options = new GuestChatHostOptions { RelaxRateLimits = true };
        configure?.Invoke(options);
        return GuestChatHost.StartAsync(options);
    }

    [Fact]
    public async Task AChatExpiresAfterTenDaysWithoutMessagesAndBothSidesAreTold()
    {
        await using var host = await StartAsync();
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        host.Clock.Advance(TenDays + TimeSpan.FromMinutes(2)); // the sweep runs every minute of the moved clock

        var expired = await member.NextAsync<ChatEventFrame>();
        Assert.Equal((conversation.Chat, ChatEvents.Expired), (expired.ChatId, expired.Event));
        Assert.Equal(ChatEvents.Expired, (await guest.NextAsync<ChatEventFrame>()).Event);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await guest.ClosedAsync());
        Assert.Equal(ChatStates.Expired, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
        Assert.Equal(0, Database.QueuedEnvelopes(host, conversation.Chat));
        await Problem.ThrowsAsync(HttpStatusCode.Unauthorized, ErrorCodes.NotSignedIn, () => conversation.Guest.GetGuestChatAsync());
    }

    [Fact]
    public async Task ExpiryAppliesAtOnceWhenTheClockHasMovedEvenBeforeTheSweep()
    {
        // The sweep runs daily; the chat falls due before the first one.
        await using var host = await StartAsync(o =>
        {
            o.Configuration["GuestChat:InactivityPeriod"] = "12:00:00";
            o.Configuration["GuestChat:ExpirySweepInterval"] = "1.00:00:00";
        });
        using var conversation = await Conversation.StartAsync(host);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();
        // The writer handles commands in order: once this is stored, the connect-time expiry check has run.
        await guest.SendStoredAsync(conversation.Chat, "before", [1]);
        await guest.NextAsync<StoredFrame>();

        host.Clock.Advance(TimeSpan.FromHours(13));

        Assert.Equal(ChatStates.Expired, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
        Assert.Equal(ChatStates.Expired, (await conversation.Guest.GetGuestChatAsync()).State);
        await guest.SendStoredAsync(conversation.Chat, "late", [1]);
        Assert.Equal(ChatEvents.Expired, (await guest.NextAsync<ChatEventFrame>()).Event);
        var error = await guest.NextAsync<ErrorFrame>();
        Assert.Equal((ErrorCodes.ChatExpired, "late"), (error.Code, error.ClientId));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await guest.ClosedAsync());
    }

    [Fact]
    public async Task EveryMessageRestartsTheInactivityPeriod()
    {
        await using var host = await StartAsync();
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();

        host.Clock.Advance(TimeSpan.FromDays(9));
        await member.SendStoredAsync(conversation.Chat, "still here", [1]);
        await member.NextAsync<StoredFrame>();
        host.Clock.Advance(TimeSpan.FromDays(9));

        var chat = await conversation.Member.GetChatAsync(conversation.Chat);
        Assert.Equal(ChatStates.Active, chat.State);
        Assert.Equal(host.Clock.UnixMilliseconds + (long)TimeSpan.FromDays(1).TotalMilliseconds, chat.ExpiresAt);
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ChatStates.Expired, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
    }

    [Fact]
    public async Task ABlockedGuestsSendsDoNotKeepTheChatAlive()
    {
        await using var host = await StartAsync();
        using var conversation = await Conversation.StartAsync(host);
        await conversation.Member.BlockAsync(conversation.Chat);
        await using var guest = await conversation.ConnectGuestAsync();
        await guest.NextAsync<ReadyFrame>();

        host.Clock.Advance(TimeSpan.FromDays(9));
        await guest.SendStoredAsync(conversation.Chat, "ignored", [1]);
        await guest.NextAsync<StoredFrame>();
        host.Clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(ChatStates.Expired, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
    }

    [Fact]
    public async Task AnExpiredChatCannotBeWrittenToBlockedOrRevived()
    {
        await using var host = await StartAsync();
        using var conversation = await Conversation.StartAsync(host);
        await using var member = await conversation.ConnectMemberAsync();
        await member.NextAsync<MessageFrame>();
        await member.NextAsync<ReadyFrame>();
        host.Clock.Advance(TenDays + TimeSpan.FromMinutes(2));
        await member.NextAsync<ChatEventFrame>();

        await member.SendStoredAsync(conversation.Chat, "late", [1]);

        Assert.Equal(ErrorCodes.ChatExpired, (await member.NextAsync<ErrorFrame>()).Code);
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.ChatClosed, () => conversation.Member.BlockAsync(conversation.Chat));
        var socketError = await Assert.ThrowsAsync<WebSocketException>(() => conversation.ConnectGuestAsync());
        Assert.Contains("401", socketError.Message, StringComparison.Ordinal);
        using var anyone = host.CreateClient();
        await Problem.ThrowsAsync(HttpStatusCode.Gone, ErrorCodes.InvitationExpired, () => anyone.GetPublicInvitationAsync(conversation.Invitation));
        Assert.Equal(0, Database.QueuedEnvelopes(host, conversation.Chat));
    }

    [Fact]
    public async Task AnUnusedInvitationExpiresAfterTenDays()
    {
        await using var host = await StartAsync();
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        var bare = await member.CreateInvitationAsync(device);
        Assert.Equal(host.Clock.UnixMilliseconds + (long)TenDays.TotalMilliseconds, invitation.ExpiresAt);

        host.Clock.Advance(TenDays - TimeSpan.FromMinutes(1));
        using var guest = host.CreateClient();
        Assert.Equal(invitation.Id, (await guest.GetPublicInvitationAsync(invitation.Id)).Id);
        host.Clock.Advance(TimeSpan.FromMinutes(3));

        await Problem.ThrowsAsync(HttpStatusCode.Gone, ErrorCodes.InvitationExpired, () => guest.GetPublicInvitationAsync(invitation.Id));
        await Problem.ThrowsAsync(HttpStatusCode.Gone, ErrorCodes.InvitationExpired, () => guest.ClaimAsync(invitation.Id, verifier));
        Assert.Empty(await member.ListInvitationsAsync());
        await Problem.ThrowsAsync(HttpStatusCode.NotFound, ErrorCodes.InvitationNotFound, () =>
            member.UploadBundleAsync(bare.Id, [1], new byte[32], new byte[32]));
        await host.Services.GetRequiredService<ExpireIdleChats>().SweepAsync(CancellationToken.None);
        Assert.Equal(2, Database.Scalar(host, "SELECT COUNT(*) FROM invitations WHERE state = 'expired'"));
    }

    [Fact]
    public async Task TheInactivityPeriodIsConfigurable()
    {
        await using var host = await StartAsync(o => o.Configuration["GuestChat:InactivityPeriod"] = "2.00:00:00");
        using var conversation = await Conversation.StartAsync(host);
        var invitation = await conversation.Member.CreateInvitationAsync(conversation.Device);
        Assert.Equal(host.Clock.UnixMilliseconds + (long)TimeSpan.FromDays(2).TotalMilliseconds, invitation.ExpiresAt);

        host.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(ChatStates.Expired, (await conversation.Member.GetChatAsync(conversation.Chat)).State);
    }
}
