using System.Diagnostics;
using System.Net.WebSockets;
using GuestChat.Bench.Clients;
using GuestChat.Bench.Hosting;
using GuestChat.Bench.Measurement;

namespace GuestChat.Bench.ColdStart;

/// <summary>One cold start: fresh data folder, then a restart on the same (migrated) folder.</summary>
public sealed record ColdStartResult(double HealthyMs, double HealthyCpuMs, double SignUpMs, double FirstSocketMs, double RestartSocketMs, long IdleRssBytes);

/// <summary>
/// Starts the server on a fresh data folder (so its migrations run) and times, from the moment the process is
/// started: the first 200 from /healthz; the first authenticated WebSocket's <c>ready</c> frame, reached as
/// fast as a client can (sign up, register a device, connect; the sign-up's own time is reported apart,
/// since password hashing is deliberately slow); then the idle RSS. It then restarts the server on the same
/// folder and times process start → the same member's WebSocket <c>ready</c>, with no sign-up in between.
/// Beside each wall time it reads the server's CPU time at /healthz, which a busy machine disturbs far less.
/// </summary>
public static class ColdStartScenario
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);

    public static async Task<ColdStartResult> RunOnceAsync(LoopbackConnector connector, ServerLaunch launch, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("guestchat-bench-cold-").FullName;
        try
        {
            string cookie, deviceId;
            double healthy, healthyCpu, signUp, firstSocket;
            long idleRss;
            await using (var server = GuestChatServer.Launch(launch, dataDirectory))
            {
                healthy = (await server.WaitHealthyAsync(s_limit, cancellationToken)).TotalMilliseconds;
                healthyCpu = ProcessSample.Read(server.Process.Id).CpuSeconds * 1000;
                using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var api = new GuestChatApi(http, server.Origin);
                var signUpStart = Stopwatch.GetTimestamp();
                cookie = await api.CreateMemberAsync("cold_start", "Cold Start", Frames.RandomBase64Url(18), cancellationToken);
                signUp = Stopwatch.GetElapsedTime(signUpStart).TotalMilliseconds;
                deviceId = await api.RegisterDeviceAsync(cookie, Frames.RandomBase64Url(160), cancellationToken);
                await using (var socket = await ConnectMemberAsync(server, cookie, deviceId, connector, cancellationToken))
                {
                    firstSocket = Stopwatch.GetElapsedTime(server.Process.StartTimestamp).TotalMilliseconds;
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                    idleRss = ProcessSample.Read(server.Process.Id).RssBytes;
                }
            }
            double restartSocket;
            await using (var server = GuestChatServer.Launch(launch, dataDirectory))
            {
                await using var socket = await RetryConnectAsync(server, cookie, deviceId, connector, cancellationToken);
                restartSocket = Stopwatch.GetElapsedTime(server.Process.StartTimestamp).TotalMilliseconds;
            }
            return new ColdStartResult(healthy, healthyCpu, signUp, firstSocket, restartSocket, idleRss);
        }
        finally
        {
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>Connects as soon as the server listens: every refused attempt is retried after 2 ms.</summary>
    private static async Task<BenchSocket> RetryConnectAsync(GuestChatServer server, string cookie, string deviceId,
        LoopbackConnector connector, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(s_limit.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                return await ConnectMemberAsync(server, cookie, deviceId, connector, cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException && Stopwatch.GetTimestamp() < deadline)
            {
                if (server.Process.HasExited) throw new InvalidOperationException($"The server exited during start:\n{server.Process.Tail()}");
                await Task.Delay(2, cancellationToken);
            }
        }
    }

    private static async Task<BenchSocket> ConnectMemberAsync(GuestChatServer server, string cookie, string deviceId,
        LoopbackConnector connector, CancellationToken cancellationToken)
    {
        var uri = new Uri($"ws://{server.BaseAddress.Authority}/ws/member?device={Uri.EscapeDataString(deviceId)}");
        var socket = await BenchSocket.ConnectAsync(uri, server.Origin, cookie, "", null, connector.Invoker, 4096, cancellationToken);
        try
        {
            await socket.Ready.WaitAsync(s_limit, cancellationToken);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }
}
