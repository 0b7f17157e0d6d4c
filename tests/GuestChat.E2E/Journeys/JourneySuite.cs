using System.Collections.Concurrent;
using GuestChat.E2E.Support;
using Microsoft.Playwright;

namespace GuestChat.E2E.Journeys;

[CollectionDefinition(Name)]
public sealed class JourneyCollection : ICollectionFixture<JourneySuite>
{
    public const string Name = "Journeys";
}

/// <summary>
/// What the journeys share: one Chromium, the built web app, and a ledger of everything secret the suite
/// produced (message plaintexts, link secrets), every server it started and everything its browsers sent, so
/// that journey 8 can look for leaks across the whole suite.
/// </summary>
public sealed class JourneySuite : IAsyncLifetime
{
    private readonly BrowserFixture _browser = new();
    private readonly ConcurrentQueue<JourneyServer> _servers = new();
    private readonly ConcurrentQueue<TrafficRecorder> _traffic = new();
    private readonly ConcurrentDictionary<string, string> _plaintexts = new();
    private readonly ConcurrentDictionary<string, string> _linkSecrets = new();

    public IBrowser Browser => _browser.Browser;

    public string WebRoot { get; private set; } = "";

    public IReadOnlyCollection<JourneyServer> Servers => _servers;

    public IReadOnlyCollection<TrafficRecorder> Traffic => _traffic;

    /// <summary>Every message text a journey sent, by where it was sent.</summary>
    public IReadOnlyDictionary<string, string> Plaintexts => _plaintexts;

    /// <summary>Every invitation link secret (the URL fragment) a member was shown.</summary>
    public IReadOnlyDictionary<string, string> LinkSecrets => _linkSecrets;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        WebRoot = await WebAppBuild.EnsureBuiltAsync();
        await _browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
        await _browser.DisposeAsync();
    }

    /// <summary>Starts a fresh server (new SQLite file, own clock); it lives until the suite ends, for journey 8's scan.</summary>
    public async Task<JourneyServer> StartServerAsync()
    {
        var server = await JourneyServer.StartAsync(WebRoot);
        _servers.Enqueue(server);
        return server;
    }

    public void RecordPlaintext(string text, string where) => _plaintexts.TryAdd(text, where);

    public void RecordLinkSecret(string secret, string where) => _linkSecrets.TryAdd(secret, where);

    public void RecordTraffic(TrafficRecorder recorder) => _traffic.Enqueue(recorder);
}
