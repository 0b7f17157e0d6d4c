using System.Diagnostics;
using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Tests.Configuration;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("GuestChat:InactivityPeriod", "00:00:01", "GuestChat:InactivityPeriod must be between")]
    [InlineData("GuestChat:ExpirySweepInterval", "00:00:00", "GuestChat:ExpirySweepInterval must be between")]
    [InlineData("GuestChat:PublicBaseUrl", "ftp://chat.example", "GuestChat:PublicBaseUrl must be an absolute http or https URL")]
    [InlineData("GuestChat:TermsFile", "/no/such/terms.txt", "GuestChat:TermsFile must name an existing text file")]
    [InlineData("GuestChat:Limits:MaxEnvelopeBytes", "1000000", "GuestChat:Limits:MaxEnvelopeBytes must be between")]
    [InlineData("GuestChat:RateLimits:ClaimPerAddress:PermitLimit", "0", "GuestChat:RateLimits:ClaimPerAddress:PermitLimit must be at least 1")]
    [InlineData("GuestChat:Realtime:KeepAliveInterval", "01:00:00", "GuestChat:Realtime:KeepAliveInterval must be between")]
    public async Task AnInvalidSettingStopsTheStartWithAMessageNamingIt(string key, string value, string message)
    {
        var options = new GuestChatHostOptions();
        options.Configuration[key] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GuestChatHost.StartAsync(options));

        Assert.Contains(ConfigurationErrors.From(error), m => m.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AValueOfTheWrongTypeStopsTheStartNamingTheKey()
    {
        var options = new GuestChatHostOptions();
        options.Configuration["GuestChat:InactivityPeriod"] = "ten days";

        var error = await Assert.ThrowsAnyAsync<Exception>(() => GuestChatHost.StartAsync(options));

        Assert.Contains(ConfigurationErrors.From(error), m => m.Contains("'GuestChat:InactivityPeriod'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheServerProgramReportsBadConfigurationPlainlyAndExitsWithTwo()
    {
        var result = await RunServerAsync(["--GuestChat:InactivityPeriod=00:00:01", "--GuestChat:Limits:MaxUnusedInvitations=0", "--urls", "http://127.0.0.1:0"],
            Environment.CurrentDirectory, waitForListening: false);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GuestChat cannot start: the configuration is not valid.", result.Errors, StringComparison.Ordinal);
        Assert.Contains("GuestChat:InactivityPeriod must be between", result.Errors, StringComparison.Ordinal);
        Assert.Contains("GuestChat:Limits:MaxUnusedInvitations must be between", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerProgramCreatesItsDataFolderUnderTheCurrentDirectoryAndServes()
    {
        var folder = Directory.CreateTempSubdirectory("guestchat-run-");
        try
        {
            var result = await RunServerAsync(["--urls", "http://127.0.0.1:0"], folder.FullName, waitForListening: true);

            Assert.Equal("ok", result.Health);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "data", "guestchat.db")));
            Assert.True(Directory.Exists(Path.Combine(folder.FullName, "data", "keys")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnAddressInUseStopsTheStartWithOneMessageAndExitCodeOneNotACrash()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var folder = Directory.CreateTempSubdirectory("guestchat-run-");
        try
        {
            var result = await RunServerAsync(["--urls", $"http://127.0.0.1:{port}"], folder.FullName, waitForListening: false);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"GuestChat cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use.",
                result.Errors, StringComparison.Ordinal);
            Assert.Contains("choose another with --urls", result.Errors, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", result.Errors, StringComparison.Ordinal);
            // The host's own "failed to start" line stays; nothing else may pile up beside it.
            Assert.DoesNotContain("crit:", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("BackgroundService failed", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task WithoutUrlsTheServerListensOnLocalhostPort5080()
    {
        await using var app = GuestChatApp.Build([], builder => builder.Configuration["GuestChat:DataDirectory"] = Path.GetTempPath());
        Assert.Equal("http://localhost:5080", app.Configuration["urls"]);
        await using var chosen = GuestChatApp.Build(["--urls", "http://127.0.0.1:6000"]);
        Assert.Equal("http://127.0.0.1:6000", chosen.Configuration["urls"]);
    }

    [Fact]
    public void TheServerHasNoClockOfItsOwnThatATestOrAnyoneCouldMove()
    {
        var clocks = typeof(GuestChatApp).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TimeProvider)));
        Assert.Empty(clocks);
        Assert.Null(typeof(GuestChatApp).Assembly.GetType("GuestChat.Testing.ManualClock"));
    }

    private sealed record RunResult(int ExitCode, string Errors, string Output, string? Health);

    /// <summary>Runs the built server program; when it listens, asks /healthz and stops it.</summary>
    private static async Task<RunResult> RunServerAsync(string[] args, string workingDirectory, bool waitForListening)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GuestChat.Server.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = Task.FromResult("");
        string? health = null;
        if (waitForListening)
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) is not null)
            {
                var at = line.IndexOf("Now listening on: ", StringComparison.Ordinal);
                if (at >= 0)
                {
                    using var http = new HttpClient();
                    health = await http.GetStringAsync(new Uri(new Uri(line[(at + 18)..].Trim()), "/healthz"));
                    break;
                }
            }
            process.Kill(entireProcessTree: true);
        }
        else
        {
            output = process.StandardOutput.ReadToEndAsync();
        }
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return new RunResult(process.ExitCode, await errors, await output, health);
    }
}
