using GuestChat.Server;
using GuestChat.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GuestChat.Testing;

/// <summary>How to start a <see cref="GuestChatHost"/>.</summary>
public sealed class GuestChatHostOptions
{
    /// <summary>Configuration that overrides everything else, e.g. <c>["GuestChat:RateLimits:ClaimPerAddress:PermitLimit"] = "1000"</c>.</summary>
    public Dictionary<string, string?> Configuration { get; } = [];

    /// <summary>Runs after the server's own registrations, so it can replace any service.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>The built web app to serve (E2E: <see cref="RepositoryRoot.WebDist"/>); by default the server's own.</summary>
    public string? WebRoot { get; set; }

    /// <summary>The manual clock's start; by default the real current time.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Runs on the data folder before the first start (e.g. to place a database made by an older version).</summary>
    public Func<string, Task>? PrepareDataDirectory { get; set; }

    /// <summary>Raises every rate limit far beyond what a test does, for tests that are not about limits.</summary>
    public bool RelaxRateLimits { get; set; }
}

/// <summary>
/// The real GuestChat server, in process, on Kestrel at <c>http://127.0.0.1:{free port}</c>, with a fresh
/// temporary data folder (a real SQLite file), a <see cref="ManualClock"/> in place of the system clock and every
/// log line captured in <see cref="Logs"/>. <see cref="RestartAsync"/> starts a new host on the same folder and port.
/// </summary>
/// <example>
/// <code>
/// await using var server = await GuestChatHost.StartAsync(new GuestChatHostOptions { RelaxRateLimits = true });
/// using var member = server.CreateClient();
/// var (me, device) = await member.CreateMemberWithDeviceAsync();
/// server.Clock.Advance(TimeSpan.FromDays(11));
/// </code>
/// </example>
public sealed class GuestChatHost : IAsyncDisposable
{
    private readonly GuestChatHostOptions _options;
    private WebApplication? _app;
    private int _port;

    private GuestChatHost(GuestChatHostOptions options)
    {
        _options = options;
        Clock = new ManualClock(options.StartTime);
        DataDirectory = Path.Combine(Path.GetTempPath(), "guestchat-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl => $"http://127.0.0.1:{_port}";

    public Uri BaseUri => new(BaseUrl + "/");

    /// <summary>The temporary data folder (database, keys); deleted by <see cref="DisposeAsync"/>.</summary>
    public string DataDirectory { get; }

    public ManualClock Clock { get; }

    public LogCapture Logs { get; } = new();

    /// <summary>The running server's services (valid until the next stop or restart).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The server is not running.");

    public bool IsRunning => _app is not null;

    public static async Task<GuestChatHost> StartAsync(GuestChatHostOptions? options = null, CancellationToken cancellationToken = default)
    {
        var host = new GuestChatHost(options ?? new GuestChatHostOptions());
        try
        {
            if (host._options.PrepareDataDirectory is { } prepare)
            {
                await prepare(host.DataDirectory);
            }
            await host.StartServerAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client with its own cookie jar, sending <c>X-GuestChat: 1</c> and our Origin.</summary>
    public GuestChatClient CreateClient() => new(BaseUri);

    /// <summary>Stops the server (sockets are closed with 1001); the data folder stays.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
        {
            return;
        }
        var app = _app;
        _app = null;
        await app.StopAsync();
        await app.DisposeAsync();
        SqliteDatabase.ReleasePooledConnections();
    }

    /// <summary>Stops and starts a new server on the same data folder, port and clock, as a process restart would.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartServerAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        for (var attempt = 0; Directory.Exists(DataDirectory); attempt++)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var url = $"http://127.0.0.1:{_port}";
        var app = GuestChatApp.Build(["--urls", url], builder =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["GuestChat:DataDirectory"] = DataDirectory,
            };
            if (_options.WebRoot is not null)
            {
                settings["GuestChat:WebRoot"] = _options.WebRoot;
            }
            if (_options.RelaxRateLimits)
            {
                foreach (var name in RateLimitNames)
                {
                    settings[$"GuestChat:RateLimits:{name}:PermitLimit"] = "1000000";
                }
            }
            foreach (var (key, value) in _options.Configuration)
            {
                settings[key] = value;
            }
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
            builder.Logging.AddFilter<LogCapture>(null, LogLevel.Information);
            builder.Services.AddSingleton<TimeProvider>(Clock);
            _options.ConfigureServices?.Invoke(builder.Services);
        });
        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _port = new Uri(address).Port;
    }

    /// <summary>The names under <c>GuestChat:RateLimits</c>.</summary>
    public static IReadOnlyList<string> RateLimitNames { get; } =
    [
        "AccountCreationPerAddress", "SignInPerAddress", "SignInPerUsername", "InvitationCreationPerMember",
        "InvitationLookupPerAddress", "ClaimPerAddress", "SendsPerSocket",
    ];
}
