using System.Collections.Concurrent;
using System.Security.Cryptography;
using GuestChat.E2E.Pages;
using GuestChat.E2E.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace GuestChat.E2E.Journeys;

/// <summary>
/// One journey: a fresh server and browser contexts for its people (a member on a desktop, a guest on a phone).
/// Records every dialog the pages open, and every secret the journey produces, in the suite's ledger.
/// </summary>
public sealed class Journey : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly JourneySuite _suite;
    private readonly ITestOutputHelper _output;
    private readonly string _name;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<TrafficRecorder> _traffic = [];
    private readonly ConcurrentQueue<string> _dialogs = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();

    private Journey(JourneySuite suite, JourneyServer server, ITestOutputHelper output, string name)
    {
        _suite = suite;
        Server = server;
        _output = output;
        _name = name;
    }

    public JourneyServer Server { get; }

    /// <summary>How many WebSocket frames with exactly this text the pages of this journey sent.</summary>
    public int SentFramesEqualTo(string text) => _traffic.Sum(traffic => traffic.SentFramesEqualTo(text));

    /// <summary>Every JavaScript dialog (alert, confirm, prompt) any page of this journey opened.</summary>
    public IReadOnlyCollection<string> Dialogs => _dialogs;

    public static async Task<Journey> StartAsync(JourneySuite suite, ITestOutputHelper output, string name) =>
        new(suite, await suite.StartServerAsync(), output, name);

    public static string NewUsername(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>A message text unique to this suite run, recorded for the leak check.</summary>
    public string Say(string text)
    {
        var unique = $"{text} [{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}]";
        _suite.RecordPlaintext(unique, _name);
        return unique;
    }

    /// <summary>Records a link's secret for the leak check and returns the link.</summary>
    public InvitationLink Remember(InvitationLink link)
    {
        _suite.RecordLinkSecret(link.Secret, _name);
        return link;
    }

    /// <summary>
    /// The common start: a member creates an account and invites, a guest on a phone opens the link, accepts the
    /// terms and joins, and the member opens the chat.
    /// </summary>
    public async Task<Meeting> MeetAsync(string memberName = "Ann Lee", string guestName = "Robin")
    {
        var member = await NewMemberAsync();
        await member.CreateAccountAsync(NewUsername("ann"), memberName, Password);
        var link = Remember(await member.InviteAsync());
        var guest = await NewGuestAsync();
        await guest.OpenInvitationAsync(link.Url, memberName);
        await guest.JoinAsync(guestName);
        await member.OpenChatAsync(guestName);
        return new Meeting(member, guest, link, memberName, guestName);
    }

    /// <summary>A member on a desktop browser (1280x800).</summary>
    public async Task<MemberPage> NewMemberAsync() =>
        new(await NewPageAsync("member", new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 800 } }), Server.BaseUrl);

    /// <summary>A guest on a phone (360x740, touch).</summary>
    public async Task<GuestPage> NewGuestAsync() =>
        new(await NewPageAsync("guest", new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 360, Height = 740 },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 2,
        }));

    private async Task<IPage> NewPageAsync(string who, BrowserNewContextOptions options)
    {
        options.Locale = "en-GB";
        options.TimezoneId = "UTC";
        var context = await _suite.Browser.NewContextAsync(options);
        _contexts.Add(context);
        context.SetDefaultTimeout(15_000);
        var traffic = new TrafficRecorder();
        traffic.Attach(context);
        _suite.RecordTraffic(traffic);
        _traffic.Add(traffic);
        var page = await context.NewPageAsync();
        traffic.Attach(page);
        page.Dialog += (_, dialog) =>
        {
            _dialogs.Enqueue($"{dialog.Type}: {dialog.Message}");
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => _pageErrors.Enqueue($"{who}: page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") _pageErrors.Enqueue($"{who}: console {message.Type}: {message.Text}");
        };
        return page;
    }

    /// <summary>Closes the browsers; writes what the pages and the server reported, for when a journey fails.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts) await context.CloseAsync();
        foreach (var error in _pageErrors) _output.WriteLine(error);
        _output.WriteLine($"--- server log of {_name}: its own lines, warnings and errors ---");
        foreach (var line in Server.NotableLogLines()) _output.WriteLine(line);
    }
}

/// <summary>A member and a guest in one chat, both pages open on it.</summary>
public sealed record Meeting(MemberPage Member, GuestPage Guest, InvitationLink Link, string MemberName, string GuestName);
