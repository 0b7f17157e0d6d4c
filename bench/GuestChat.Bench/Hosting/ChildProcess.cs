using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GuestChat.Bench.Hosting;

/// <summary>
/// A process the benchmark started (the server, the peer, a build step). Its output is drained and the last
/// lines kept for error messages; it is stopped with SIGTERM, then killed with its whole tree, and every
/// child still running is killed when the benchmark exits.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    /// <summary>The generator's own socket tuning (see Program.cs); never passed on to the processes it measures.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    private const int MaxTailLines = 200;
    private const int SignalTerminate = 15;
    private static readonly ConcurrentDictionary<int, Process> s_running = new();

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly Lock _gate = new();

    private ChildProcess(Process process, long startTimestamp)
    {
        _process = process;
        StartTimestamp = startTimestamp;
    }

    public int Id => _process.Id;

    /// <summary>Stopwatch timestamp taken just before the process was started.</summary>
    public long StartTimestamp { get; }

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment.Remove(InlineCompletionsVariable);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var start = Stopwatch.GetTimestamp();
        var child = new ChildProcess(process, start);
        process.OutputDataReceived += (_, line) => child.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => child.OnLine(line.Data);
        process.Start();
        s_running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to completion within <paramref name="timeout"/>; throws with its output when it fails.</summary>
    public static async Task RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var child = Start(fileName, arguments, workingDirectory);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await child._process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}:\n{child.Tail()}");
        }
        if (child._process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {child._process.ExitCode}:\n{child.Tail()}");
        }
    }

    /// <summary>The first output line (already seen or still to come) that matches, within <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _tail.FirstOrDefault(match);
            if (seen is not null) return seen;
            _waiters.Add((match, found));
        }
        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(found.Task, exited, Task.Delay(timeout, cancellationToken));
        if (first == found.Task) return await found.Task;
        cancellationToken.ThrowIfCancellationRequested();
        throw new InvalidOperationException(
            (first == exited ? "The process exited" : $"No expected output within {timeout}") + $":\n{Tail()}");
    }

    public string Tail()
    {
        lock (_gate) return string.Join('\n', _tail);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _ = NativeMethods.kill(_process.Id, SignalTerminate);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process had already gone.
        }
        finally
        {
            s_running.TryRemove(_process.Id, out _);
            _process.Dispose();
        }
    }

    /// <summary>Kills every child still running: used when the benchmark itself is stopped.</summary>
    public static void KillAll()
    {
        foreach (var (id, process) in s_running)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            s_running.TryRemove(id, out _);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _tail.Enqueue(line);
            if (_tail.Count > MaxTailLines) _tail.Dequeue();
            for (var index = _waiters.Count - 1; index >= 0; index--)
            {
                if (!_waiters[index].Match(line)) continue;
                _waiters[index].Found.TrySetResult(line);
                _waiters.RemoveAt(index);
            }
        }
    }

    private static partial class NativeMethods
    {
        [LibraryImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static partial int kill(int processId, int signal);
    }
}
