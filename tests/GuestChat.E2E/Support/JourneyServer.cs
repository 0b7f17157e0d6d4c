using GuestChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GuestChat.E2E.Support;

/// <summary>
/// The real GuestChat server for one journey (tests/GuestChat.Testing): Kestrel on a loopback port, a fresh
/// temporary data folder with its own SQLite file, a manual clock and captured logs, serving the built web app.
/// </summary>
public sealed class JourneyServer : IAsyncDisposable
{
    private readonly GuestChatHost _host;

    private JourneyServer(GuestChatHost host) => _host = host;

    /// <summary>How long a silent browser goes before the server pings it, here (15 s by default): every journey runs through heartbeats.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<JourneyServer> StartAsync(string webRoot)
    {
        // The journeys are not about rate limits: a whole suite runs from one loopback address.
        var options = new GuestChatHostOptions { WebRoot = webRoot, RelaxRateLimits = true };
        options.Configuration["GuestChat:Realtime:KeepAliveInterval"] = KeepAliveInterval.ToString();
        options.Configuration["GuestChat:Realtime:KeepAliveTimeout"] = "00:00:05"; // generous: a busy machine is not a dead browser
        return new(await GuestChatHost.StartAsync(options));
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>, no trailing slash.</summary>
    public string BaseUrl => _host.BaseUrl;

    public string DataDirectory => _host.DataDirectory;

    /// <summary>Moves the server's clock (a time control that exists only in test code).</summary>
    public void AdvanceClock(TimeSpan by) => _host.Clock.Advance(by);

    /// <summary>Every log line the server wrote, with exceptions.</summary>
    public string CapturedLog() => _host.Logs.AllText;

    /// <summary>The server's own log lines and every warning or error, for a failing journey's output.</summary>
    public IEnumerable<string> NotableLogLines() =>
        _host.Logs.Entries
            .Where(entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Warning || entry.Category.StartsWith("GuestChat.", StringComparison.Ordinal))
            .Select(entry => entry.ToString());

    /// <summary>How each socket connected now was upgraded (the browsers' should all be at the connection level).</summary>
    public IReadOnlyList<GuestChat.Server.Realtime.SocketUpgrade> SocketUpgrades()
    {
        var connections = new List<GuestChat.Server.Realtime.ClientConnection>();
        _host.Services.GetRequiredService<GuestChat.Server.Realtime.InProcessRelay>().CopyConnectionsTo(connections);
        return [.. connections.Select(connection => connection.Upgrade)];
    }

    /// <summary>Every file in the data folder: the database, its -wal and -shm, keys.</summary>
    public IReadOnlyList<string> DataFiles() => Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
