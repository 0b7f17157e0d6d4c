using GuestChat.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E.Journeys;

/// <summary>
/// The nine journeys of issue 4, each against a fresh real server (Kestrel on a loopback port, a new SQLite file)
/// with two browser contexts: a member on a desktop and a guest on a phone.
/// </summary>
[Collection(JourneyCollection.Name)]
[TestCaseOrderer(JourneyOrderer.TypeName, JourneyOrderer.AssemblyName)]
public sealed partial class GuestChatJourneys(JourneySuite suite, ITestOutputHelper output)
{
    private Task<Journey> StartAsync(string name) => Journey.StartAsync(suite, output, name);

    [Fact, Journey(1)]
    public async Task MemberInvitesGuestJoinsAndTheyChatUntilRead()
    {
        await using var journey = await StartAsync("journey 1");
        var member = await journey.NewMemberAsync();
        await member.OpenAsync();
        await Expect(member.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "01-member-sign-in");

        await member.CreateAccountAsync(Journey.NewUsername("ann"), "Ann Lee", Journey.Password,
            beforeSubmit: () => Screenshots.SaveDesktopAndPhoneAsync(member.Page, "02-member-create-account"));
        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "03-member-chat-list-empty");
        var link = journey.Remember(await member.InviteAsync(
            whileDialogOpen: () => Screenshots.SaveDesktopAndPhoneAsync(member.Page, "04-member-invite-dialog")));
        await Expect(member.CancelInvitationButton).ToBeVisibleAsync();
        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "05-member-chat-list-invitation");

        var guest = await journey.NewGuestAsync();
        await guest.OpenInvitationAsync(link.Url, "Ann Lee");
        await Expect(guest.Page.GetByRole(AriaRole.Link, new() { Name = "Terms of Service" })).ToHaveAttributeAsync("href", "/terms");
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "06-guest-invitation");
        await guest.JoinAsync("Robin");

        // The guest sees the member's name, their own name with the Guest badge, and that they are a guest.
        await Expect(guest.Page.GetByRole(AriaRole.Heading, new() { Name = "Ann Lee" })).ToBeVisibleAsync();
        var identity = guest.Page.Locator(".guest-identity");
        await Expect(identity.GetByText("Robin", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(identity.GetByText("Guest", new() { Exact = true })).ToBeVisibleAsync();

        // The member's list shows the guest with the badge; the chat shows the badge and the notice.
        await member.OpenChatAsync("Robin");
        await Expect(member.ChatHeading.GetByText("Guest", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(member.Page.GetByText("Robin is not registered on GuestChat", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(member.CancelInvitationButton).ToHaveCountAsync(0);

        var hello = journey.Say("Hello Ann, it is Robin");
        await guest.SendAsync(hello);
        await Expect(member.Message(hello)).ToBeVisibleAsync();
        await guest.ExpectTickAsync(hello, "Read");

        var reply = journey.Say("Welcome Robin, good to see you here");
        await member.SendAsync(reply);
        await Expect(guest.Message(reply)).ToBeVisibleAsync();
        await member.ExpectTickAsync(reply, "Read");

        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "07-member-chat");
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "08-guest-chat");

        // Both pages sit quiet through heartbeat rounds: each browser answers the server's pings, stays connected.
        const string Pong = """{"type":"pong"}""";
        for (var round = 0; round < 60 && journey.SentFramesEqualTo(Pong) < 4; round++) await Task.Delay(JourneyServer.KeepAliveInterval);
        Assert.True(journey.SentFramesEqualTo(Pong) >= 4, "The browsers did not answer the server's pings with pong.");
        Assert.DoesNotContain("did not answer a ping", journey.Server.CapturedLog(), StringComparison.Ordinal);
        // Chromium's own upgrade requests are taken at the connection level (the lean path), not by the HTTP fallback.
        var upgrades = journey.Server.SocketUpgrades();
        Assert.True(upgrades.Count >= 2, $"Expected the member's and the guest's sockets, found {upgrades.Count}.");
        Assert.All(upgrades, upgrade => Assert.Equal(GuestChat.Server.Realtime.SocketUpgrade.Connection, upgrade));
        var later = journey.Say("Still there after a quiet moment?");
        await guest.SendAsync(later);
        await Expect(member.Message(later)).ToBeVisibleAsync();
        Assert.Empty(journey.Dialogs);
    }

    [Fact, Journey(2)]
    public async Task UsedLinkOpenedInAnotherBrowserSaysItHasAlreadyBeenUsed()
    {
        await using var journey = await StartAsync("journey 2");
        var meeting = await journey.MeetAsync();

        var stranger = await journey.NewGuestAsync();
        await stranger.OpenAsync(meeting.Link.Url);
        await Expect(stranger.Problem("This invitation has already been used")).ToBeVisibleAsync();
        await Expect(stranger.JoinButton).ToHaveCountAsync(0);
        await Screenshots.SaveDesktopAndPhoneAsync(stranger.Page, "09-guest-error-used");

        // The rightful guest's chat is untouched.
        var text = journey.Say("Still here after someone else opened my link");
        await meeting.Guest.SendAsync(text);
        await Expect(meeting.Member.Message(text)).ToBeVisibleAsync();
    }

    [Fact, Journey(3)]
    public async Task GuestWhoReloadsIsBackInTheChatWithItsHistory()
    {
        await using var journey = await StartAsync("journey 3");
        var (member, guest, link, _, _) = await journey.MeetAsync();
        var fromGuest = journey.Say("Before the reload, from Robin");
        var fromMember = journey.Say("Before the reload, from Ann");
        await guest.SendAsync(fromGuest);
        await member.SendAsync(fromMember);
        await Expect(guest.Message(fromMember)).ToBeVisibleAsync();
        await member.ExpectTickAsync(fromMember, "Read");

        await guest.Page.ReloadAsync();
        await Expect(guest.ChattingAsGuest).ToBeVisibleAsync();
        await Expect(guest.Message(fromGuest)).ToBeVisibleAsync();
        await Expect(guest.Message(fromMember)).ToBeVisibleAsync();
        await guest.ExpectTickAsync(fromGuest, "Read");

        // Opening the link again in the same browser returns to the same chat too.
        await guest.OpenAsync(link.Url);
        await Expect(guest.ChattingAsGuest).ToBeVisibleAsync();
        await Expect(guest.Message(fromMember)).ToBeVisibleAsync();

        var after = journey.Say("After the reload, from Robin");
        await guest.SendAsync(after);
        await Expect(member.Message(after)).ToBeVisibleAsync();
        await Expect(member.Message(fromGuest)).ToHaveCountAsync(1);
    }

    [Fact, Journey(4)]
    public async Task MessagesSentWhileBlockedAreNeverDeliveredEvenAfterUnblock()
    {
        await using var journey = await StartAsync("journey 4");
        var (member, guest, _, _, _) = await journey.MeetAsync();
        var before = journey.Say("Before the block");
        await guest.SendAsync(before);
        await Expect(member.Message(before)).ToBeVisibleAsync();

        await member.BlockButton.ClickAsync();
        await Expect(member.UnblockButton).ToBeVisibleAsync();
        await Expect(member.Page.GetByText("You blocked Robin.")).ToBeVisibleAsync();

        // The server stores the guest's message (the guest is not told about the block) and drops it.
        var blocked = journey.Say("Sent while blocked");
        await guest.SendAsync(blocked);
        await guest.ExpectTickAsync(blocked, "Sent");

        await member.UnblockButton.ClickAsync();
        await Expect(member.BlockButton).ToBeVisibleAsync();
        var after = journey.Say("Sent after the unblock");
        await guest.SendAsync(after);
        await Expect(member.Message(after)).ToBeVisibleAsync();
        await guest.ExpectTickAsync(after, "Read");

        // The later message arrived and was read; the blocked one never arrives, not even after a reload...
        await Expect(member.Message(blocked)).ToHaveCountAsync(0);
        await member.Page.ReloadAsync();
        await Expect(member.Message(after)).ToBeVisibleAsync();
        await Expect(member.Message(before)).ToBeVisibleAsync();
        await Expect(member.Message(blocked)).ToHaveCountAsync(0);

        // ...and never shows as delivered at the guest (PRODUCT.md, Member 6), though a later message did.
        await guest.ExpectTickAsync(blocked, "Sent");
    }

    [Fact, Journey(5)]
    public async Task ChatExpiresAfterTenIdleDaysAndTheMemberMakesANewLink()
    {
        await using var journey = await StartAsync("journey 5");
        var (member, guest, link, memberName, _) = await journey.MeetAsync();
        var last = journey.Say("The last message before the quiet days");
        await guest.SendAsync(last);
        await Expect(member.Message(last)).ToBeVisibleAsync();
        // The member's read receipt is a stored envelope like any message (the server cannot tell them apart),
        // so it counts as activity: wait until it has gone through before the quiet days begin.
        await guest.ExpectTickAsync(last, "Read");

        journey.Server.AdvanceClock(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(5));

        await Expect(member.Page.GetByText("This chat expired after 10 days without messages", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(guest.Page.GetByText("This chat has expired", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(member.Message(last)).ToBeVisibleAsync();
        await Expect(member.MessageField).ToHaveCountAsync(0);
        await Expect(guest.MessageField).ToHaveCountAsync(0);
        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "10-member-chat-expired");
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "11-guest-chat-expired");

        await member.Page.GetByRole(AriaRole.Button, new() { Name = "Create new link" }).ClickAsync();
        await Expect(member.InviteDialog.GetByText("Send this link to Robin to start a new chat.", new() { Exact = false })).ToBeVisibleAsync();
        var fresh = journey.Remember(await member.ReadInvitationLinkAsync());
        Assert.NotEqual(link.Id, fresh.Id);
        Assert.NotEqual(link.Secret, fresh.Secret);
        await Expect(member.CancelInvitationButton).ToBeVisibleAsync();

        var newGuest = await journey.NewGuestAsync();
        await newGuest.OpenInvitationAsync(fresh.Url, memberName);
    }

    [Fact, Journey(6)]
    public async Task CancelledInvitationAndGarbageLinkEachSayWhy()
    {
        await using var journey = await StartAsync("journey 6");
        var member = await journey.NewMemberAsync();
        await member.CreateAccountAsync(Journey.NewUsername("ann"), "Ann Lee", Journey.Password);
        var link = journey.Remember(await member.InviteAsync());
        await member.CancelInvitationButton.ClickAsync();
        await Expect(member.CancelInvitationButton).ToHaveCountAsync(0);

        var guest = await journey.NewGuestAsync();
        await guest.OpenAsync(link.Url);
        await Expect(guest.Problem("This invitation was cancelled")).ToBeVisibleAsync();
        await Expect(guest.JoinButton).ToHaveCountAsync(0);
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "12-guest-error-cancelled");

        await guest.OpenAsync($"{journey.Server.BaseUrl}/i/not-a-link#garbage");
        await Expect(guest.Problem("This link is not valid")).ToBeVisibleAsync();
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "13-guest-error-invalid");

        // A well-formed id that does not exist says the same.
        await guest.OpenAsync($"{journey.Server.BaseUrl}/i/AAAAAAAAAAAAAAAAAAAAAA#{link.Secret[..20]}x");
        await Expect(guest.Problem("This link is not valid")).ToBeVisibleAsync();
        await Expect(guest.JoinButton).ToHaveCountAsync(0);
    }
}
