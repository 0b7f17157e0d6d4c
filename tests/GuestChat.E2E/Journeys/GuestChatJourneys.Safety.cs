using GuestChat.E2E.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E.Journeys;

public sealed partial class GuestChatJourneys
{
    private const string ImgPayload = "<img src=x onerror=alert(1)>";
    private const string SvgPayload = "<svg onload=alert(1)>";
    private const char RightToLeftOverride = '\u202E';

    /// <summary>Elements that markup smuggled in through user text would have created.</summary>
    private const string InjectedMarkup = "img[src='x'], [onerror], [onload], [onmouseover], script:not([src])";

    [Fact, Journey(7)]
    public async Task MarkupAndDirectionOverridesInNamesAndMessagesAreShownAsText()
    {
        await using var journey = await StartAsync("journey 7");
        var member = await journey.NewMemberAsync();
        await member.CreateAccountAsync(Journey.NewUsername("ann"), ImgPayload, Journey.Password);
        await Expect(member.Page.GetByText(ImgPayload, new() { Exact = true })).ToBeVisibleAsync();
        var link = journey.Remember(await member.InviteAsync());

        var guest = await journey.NewGuestAsync();
        await guest.OpenInvitationAsync(link.Url, ImgPayload);

        // A name with a right-to-left override is refused (it could disguise itself), with a reason.
        await guest.DisplayName.FillAsync($"Robin{RightToLeftOverride}nimda");
        await guest.AcceptTerms.CheckAsync();
        await guest.JoinButton.ClickAsync();
        await Expect(guest.Page.GetByText("A display name cannot contain control or text-direction characters.")).ToBeVisibleAsync();
        await Expect(guest.ChattingAsGuest).ToHaveCountAsync(0);

        await guest.JoinAsync(SvgPayload);
        await Expect(guest.Page.GetByRole(AriaRole.Heading, new() { Name = ImgPayload })).ToBeVisibleAsync();
        await member.OpenChatAsync(SvgPayload);
        await Expect(member.Page.GetByText($"{SvgPayload} is not registered on GuestChat", new() { Exact = true })).ToBeVisibleAsync();

        var markup = journey.Say(ImgPayload);
        var reversed = journey.Say($"Invoice {RightToLeftOverride}fdp.exe and {RightToLeftOverride}<b onmouseover=alert(2)>bold</b>");
        await guest.SendAsync(markup);
        await guest.SendAsync(reversed);
        await Expect(member.Message(markup)).ToBeVisibleAsync();
        await Expect(member.Message(reversed)).ToBeVisibleAsync();
        var echo = journey.Say($"{SvgPayload} {RightToLeftOverride}olleh");
        await member.SendAsync(echo);
        await Expect(guest.Message(echo)).ToBeVisibleAsync();
        await member.ExpectTickAsync(echo, "Read");
        await guest.ExpectTickAsync(reversed, "Read");

        // The text is exactly what was typed, override character included, and no markup came to life.
        Assert.Equal(reversed, await member.Message(reversed).Locator("p").InnerTextAsync());
        foreach (var page in new[] { member.Page, guest.Page })
        {
            await Expect(page.Locator(InjectedMarkup)).ToHaveCountAsync(0);
        }
        await Screenshots.SaveDesktopAndPhoneAsync(member.Page, "16-member-chat-markup-and-overrides");
        await Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "17-guest-chat-markup-and-overrides");
        await guest.Page.ReloadAsync();
        await Expect(guest.Message(echo)).ToBeVisibleAsync();
        await Expect(guest.Page.Locator(InjectedMarkup)).ToHaveCountAsync(0);
        Assert.Empty(journey.Dialogs);
    }

    [Fact, Journey(9)]
    public async Task SecurityCodesShownOnBothSidesMatch()
    {
        await using var journey = await StartAsync("journey 9");
        var (member, guest, _, _, _) = await journey.MeetAsync();
        var hello = journey.Say("Shall we compare our security codes?");
        await guest.SendAsync(hello);
        await Expect(member.Message(hello)).ToBeVisibleAsync();

        var memberCode = await member.ReadSecurityCodeAsync(
            whileOpen: () => Screenshots.SaveDesktopAndPhoneAsync(member.Page, "14-member-security-code"));
        var guestCode = await guest.ReadSecurityCodeAsync(
            whileOpen: () => Screenshots.SaveDesktopAndPhoneAsync(guest.Page, "15-guest-security-code"));
        output.WriteLine($"security code: {memberCode}");
        Assert.Equal(memberCode, guestCode);

        // A different chat has a different code.
        var other = await journey.MeetAsync("Bea Stone", "Sam");
        Assert.NotEqual(memberCode, await other.Member.ReadSecurityCodeAsync());
    }

    /// <summary>
    /// Runs last. Sends its own messages, then looks for every message plaintext and every link secret of the
    /// whole suite in every server's data folder (database, -wal, -shm), every server's log output, and
    /// everything every browser sent (request URLs, headers and bodies, WebSocket frames).
    /// </summary>
    [Fact, Journey(8, RunsLast = true)]
    public async Task NoPlaintextOrLinkSecretReachesTheServerFilesLogsOrWire()
    {
        await using (var journey = await StartAsync("journey 8"))
        {
            var (member, guest, _, _, guestName) = await journey.MeetAsync(guestName: "Quentin Leakcheck");
            var toMember = journey.Say("A secret only Ann may read: the blue door code is 4711");
            var toGuest = journey.Say("Thanks, the safe word is marmalade");
            await guest.SendAsync(toMember);
            await member.SendAsync(toGuest);
            await Expect(guest.Message(toGuest)).ToBeVisibleAsync();
            await Expect(member.Message(toMember)).ToBeVisibleAsync();
            await guest.ExpectTickAsync(toMember, "Read");
            await member.ExpectTickAsync(toGuest, "Read");

            // Proof that the scan reads what the server really wrote: the guest's name is stored by design.
            Assert.Contains(journey.Server.DataFiles(), file => SecretScan.Contains(SecretScan.ReadShared(file), guestName));
        }

        Assert.True(suite.Plaintexts.Count >= 2, "The suite recorded no plaintexts to look for.");
        Assert.NotEmpty(suite.LinkSecrets);
        Assert.True(suite.Traffic.Sum(recorder => recorder.SentFrameCount) >= 2, "No WebSocket frames were recorded.");
        Assert.Contains(suite.Traffic.SelectMany(recorder => recorder.Items),
            item => item.Kind == "request-body" && SecretScan.Contains(item.Bytes, "Quentin Leakcheck"));

        var secrets = suite.Plaintexts.Select(p => (Kind: "message plaintext", Value: p.Key, From: p.Value))
            .Concat(suite.LinkSecrets.Select(s => (Kind: "link secret", Value: s.Key, From: s.Value)))
            .ToList();
        var leaks = new List<string>();
        foreach (var server in suite.Servers)
        {
            var log = System.Text.Encoding.UTF8.GetBytes(server.CapturedLog());
            Assert.True(log.Length > 0, "A server's captured log is empty: the log check would prove nothing.");
            foreach (var file in server.DataFiles())
            {
                var bytes = SecretScan.ReadShared(file);
                leaks.AddRange(secrets.Where(s => SecretScan.Contains(bytes, s.Value)).Select(s => $"{s.Kind} from {s.From} in {file}"));
            }
            leaks.AddRange(secrets.Where(s => SecretScan.Contains(log, s.Value)).Select(s => $"{s.Kind} from {s.From} in the server log"));
        }
        foreach (var (kind, bytes) in suite.Traffic.SelectMany(recorder => recorder.Items))
        {
            leaks.AddRange(secrets.Where(s => SecretScan.Contains(bytes, s.Value)).Select(s => $"{s.Kind} from {s.From} in a browser {kind}"));
        }
        Assert.True(leaks.Count == 0, "Leaked:\n" + string.Join("\n", leaks.Distinct()));
        output.WriteLine($"checked {secrets.Count} secrets against {suite.Servers.Count} servers and {suite.Traffic.Sum(t => t.Items.Count)} recorded browser items");
    }
}
