using System.Diagnostics;

namespace GuestChat.Bench.Hosting;

/// <summary>
/// Which server build to start (its <c>.dll</c>, or the executable of a self-contained publish) and the environment
/// added to the bench's own settings.
/// </summary>
public sealed record ServerLaunch(string Assembly, IReadOnlyDictionary<string, string> Environment)
{
    public ServerLaunch With(string name, string value) =>
        this with { Environment = new Dictionary<string, string>(Environment) { [name] = value } };
}

/// <summary>
/// The real GuestChat server, started as its own process from its built assembly, on a free loopback port,
/// with a fresh temporary data folder and rate limits raised so that setup can create thousands of accounts.
/// </summary>
public sealed class GuestChatServer : IAsyncDisposable
{
    private readonly bool _ownsDataDirectory;

    private GuestChatServer(ChildProcess process, Uri baseAddress, string dataDirectory, bool ownsDataDirectory)
    {
        Process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        _ownsDataDirectory = ownsDataDirectory;
    }

    public ChildProcess Process { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's own origin, sent as the Origin header of every WebSocket and request.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public string DataDirectory { get; }

    /// <summary>Starts the server and returns at once (the cold start scenario times what follows).</summary>
    public static GuestChatServer Launch(ServerLaunch launch, string? dataDirectory = null)
    {
        var assembly = launch.Assembly;
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException(
                $"The server is not built: {assembly}. Build it with `dotnet build -c {RepositoryPaths.Configuration} src/GuestChat.Server`.");
        }
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("guestchat-bench-").FullName;
        var port = FreePort.Next();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var environment = ServerEnvironment.For(dataDirectory, baseAddress, assembly);
        foreach (var (key, value) in launch.Environment) environment[key] = value;
        var urls = baseAddress.GetLeftPart(UriPartial.Authority);
        // A .dll runs on the dotnet host; anything else is an executable of its own (a self-contained publish).
        var process = assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? ChildProcess.Start(DotnetHost(), [assembly, "--urls", urls], Path.GetDirectoryName(assembly)!, environment)
            : ChildProcess.Start(assembly, ["--urls", urls], Path.GetDirectoryName(assembly)!, environment);
        return new GuestChatServer(process, baseAddress, dataDirectory, owns);
    }

    public static async Task<GuestChatServer> StartAsync(ServerLaunch launch, CancellationToken cancellationToken)
    {
        var server = Launch(launch);
        try
        {
            await server.WaitHealthyAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls GET /healthz until it answers 200; answers the time since the process was started.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Process.HasExited) throw new InvalidOperationException($"The server exited during start:\n{Process.Tail()}");
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode) return Stopwatch.GetElapsedTime(Process.StartTimestamp);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(2, cancellationToken);
        }
        throw new TimeoutException($"The server did not answer /healthz within {timeout}:\n{Process.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        if (!_ownsDataDirectory) return;
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    internal static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";
}
