using System.Diagnostics;
using System.Text;

namespace GuestChat.Native.Tests.Support;

/// <summary>
/// The server published as a native executable, once per test run, with <c>scripts/publish-native</c> into
/// <c>artifacts/native</c> (seconds when nothing changed, a few minutes for a real compile). Its tests start the
/// executable as often as they need, each in its own process (<see cref="StartServerAsync"/>).
/// </summary>
public sealed class NativeBuild : IAsyncLifetime
{
    public const string Collection = "native build";

    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The published executable's full path, as the script printed it last.</summary>
    public string Executable { get; private set; } = null!;

    public Task<NativeServer> StartServerAsync() => NativeServer.StartAsync(Executable);

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", "publish-native"));
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "artifacts", "native"));
        var output = new StringBuilder();
        var lastLine = "";
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
                lastLine = string.IsNullOrWhiteSpace(e.Data) ? lastLine : e.Data.Trim();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(s_publishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"scripts/publish-native took longer than {s_publishTimeout}:\n{output}");
        }
        if (process.ExitCode != 0 || !File.Exists(lastLine))
        {
            throw new InvalidOperationException($"scripts/publish-native failed (exit code {process.ExitCode}):\n{output}");
        }
        Executable = lastLine;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Every native test shares one publish, so they run one after another (each takes about a second).</summary>
[CollectionDefinition(NativeBuild.Collection)]
public sealed class NativeBuildCollection : ICollectionFixture<NativeBuild>;
