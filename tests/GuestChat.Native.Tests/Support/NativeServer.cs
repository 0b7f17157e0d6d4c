using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace GuestChat.Native.Tests.Support;

/// <summary>
/// The native executable running as a child process, as it runs in production: its working directory a fresh
/// temporary folder (so its data lands in the default <c>./data</c>), on <c>http://127.0.0.1:{port}</c> (a port the
/// system picks at the first start, kept across restarts), with every rate limit relaxed as
/// <see cref="GuestChatHostOptions.RelaxRateLimits"/> relaxes them, and its console output kept across restarts.
/// Disposing kills the process if it still runs and deletes the folder, whatever the test did.
/// </summary>
public sealed partial class NativeServer : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(20);

    private readonly string _executable;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;
    private int _port;

    private NativeServer(string executable)
    {
        _executable = executable;
        WorkingDirectory = Directory.CreateTempSubdirectory("guestchat-native-").FullName;
        AppDomain.CurrentDomain.ProcessExit += KillOnTestRunExit;
    }

    /// <summary>The process's working directory; the server keeps its data in <see cref="DataDirectory"/> under it.</summary>
    public string WorkingDirectory { get; }

    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    public Uri BaseUri => new($"http://127.0.0.1:{_port}/");

    /// <summary>Everything the server wrote to stdout and stderr, over all its starts.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A client with its own cookie jar, sending <c>X-GuestChat: 1</c> and our Origin.</summary>
    public GuestChatClient CreateClient() => new(BaseUri);

    /// <summary>Starts the executable and returns once <c>GET /healthz</c> answers 200.</summary>
    public static async Task<NativeServer> StartAsync(string executable)
    {
        var server = new NativeServer(executable);
        try
        {
            await server.StartProcessAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server as a service manager does (SIGTERM) and asserts that it exited cleanly, with code 0.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }
        using (var signal = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token); // also waits for the last of its output
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not stop within {s_stopTimeout} of SIGTERM:\n{Output}");
        }
        _process = null;
        var exitCode = process.ExitCode;
        process.Dispose();
        Assert.True(exitCode == 0, $"The server exited with code {exitCode}:\n{Output}");
    }

    /// <summary>Stops and starts the executable again on the same folder and port, as a redeployment would.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    /// <summary>
    /// Stops the server and asserts that its whole log, from the first start to this stop, has no error, no
    /// critical line and no stack trace: a failure that only the native build has (missing reflection metadata,
    /// a trimmed type) shows up there even when every response looked right.
    /// </summary>
    public async Task AssertStopsWithACleanLogAsync()
    {
        await StopAsync();
        var output = Output;
        var failures = FailureLines().Matches(output);
        Assert.True(failures.Count == 0,
            $"The server's log shows a failure ({string.Join(" | ", failures.Select(m => m.Value.Trim()))}):\n{output}");
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnTestRunExit;
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        _probe.Dispose();
        for (var attempt = 0; Directory.Exists(WorkingDirectory); attempt++)
        {
            try
            {
                Directory.Delete(WorkingDirectory, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{_port}");
        foreach (var name in GuestChatHost.RateLimitNames)
        {
            start.Environment[$"GuestChat__RateLimits__{name}__PermitLimit"] = "1000000";
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilHealthyAsync(process);
    }

    private async Task WaitUntilHealthyAsync(Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_startTimeout)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                throw new InvalidOperationException($"The server exited with code {process.ExitCode} while starting:\n{Output}");
            }
            if (_port == 0 && ListeningOn().Match(Output) is { Success: true } listening)
            {
                _port = int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            if (_port != 0 && await IsHealthyAsync())
            {
                return;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"GET /healthz did not answer 200 within {s_startTimeout}:\n{Output}");
    }

    private async Task<bool> IsHealthyAsync()
    {
        try
        {
            using var response = await _probe.GetAsync(new Uri(BaseUri, "healthz"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A test run that ends abruptly (a crash, Ctrl+C) still takes its servers with it.</summary>
    private void KillOnTestRunExit(object? sender, EventArgs e) => _process?.Kill(entireProcessTree: true);

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningOn();

    /// <summary>The console logger's error and critical lines, stack frames, and an unhandled exception's report.</summary>
    [GeneratedRegex(@"^(fail|crit): .*$|^\s+at \S.*$|^Unhandled exception.*$", RegexOptions.Multiline)]
    private static partial Regex FailureLines();
}
