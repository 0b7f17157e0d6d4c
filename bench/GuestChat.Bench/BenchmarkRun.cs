using System.Diagnostics;
using System.Runtime.InteropServices;
using GuestChat.Bench.Browser;
using GuestChat.Bench.Clients;
using GuestChat.Bench.ColdStart;
using GuestChat.Bench.Hosting;
using GuestChat.Bench.Idle;
using GuestChat.Bench.Measurement;
using GuestChat.Bench.Relay;
using GuestChat.Bench.Reporting;

namespace GuestChat.Bench;

/// <summary>
/// The whole benchmark: cold start, then GuestChat (idle sockets, relay), then the ws peer with the same
/// harness, then the browser (guest page, crypto). Every process it starts is stopped when it ends; the run
/// is bounded by a deadline. Progress goes to <c>progress</c>; the tables and the <c>bench ...</c> lines to <c>output</c>.
/// </summary>
public static class BenchmarkRun
{
    private const int SocketHeadroom = 1_000;
    private const int SourceAddresses = 8;

    public static async Task<int> MainAsync(IReadOnlyList<string> args, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException exception)
        {
            await progress.WriteLineAsync(exception.Message);
            return 2;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Deadline);
        var report = new BenchReport();
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        var wanted = Math.Max(options.IdleCounts.DefaultIfEmpty(0).Max(), options.IdleDuringRelay + (2 * options.Pairs)) + SocketHeadroom;
        var fileLimit = FileLimit.Raise(wanted);
        var socketCap = (int)Math.Max(0, fileLimit - SocketHeadroom);
        report.Add("machine", ("cores", Environment.ProcessorCount), ("open_file_limit", fileLimit),
            ("load_average", File.ReadAllText("/proc/loadavg").Split(' ')[0]),
            ("server_env", options.ServerEnvironment.Count == 0 ? "default" : string.Join(',', options.ServerEnvironment.Select(pair => $"{pair.Key}:{pair.Value}"))),
            ("server_build", options.ServerAssembly is null ? "repository" : options.ServerAssembly),
            ("note", "load_generator_shares_the_cores_with_the_server"));
        progress.WriteLine($"GuestChat benchmark ({(options.Quick ? "quick" : "full")}): {Environment.ProcessorCount} cores, open-file limit {fileLimit}");

        using var connector = new LoopbackConnector(SourceAddresses);
        try
        {
            failures += await GuardAsync("cold-start", report, progress,
                () => ColdStart(options, connector, report, progress, deadline.Token), deadline.Token);
            var relayResults = new List<RelayStepResult>();
            if (options.Runs("idle") || options.Runs("relay"))
            {
                failures += await GuardAsync("relay", report, progress,
                    () => GuestChatRelay(options, connector, socketCap, report, relayResults, progress, deadline.Token), deadline.Token);
            }
            if (options.Runs("peer"))
            {
                failures += await GuardAsync("peer", report, progress,
                    () => PeerRelay(options, connector, socketCap, report, relayResults, progress, deadline.Token), deadline.Token);
            }
            if (options.Runs("guest-page"))
            {
                failures += await GuardAsync("guest-page", report, progress,
                    () => GuestPageScenario.RunAsync(options, report, progress, deadline.Token), deadline.Token);
            }
            if (options.Runs("crypto"))
            {
                failures += await GuardAsync("crypto", report, progress,
                    () => CryptoScenario.RunAsync(options, report, progress, deadline.Token), deadline.Token);
            }
        }
        finally
        {
            ChildProcess.KillAll();
        }
        progress.WriteLine($"done in {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s");
        report.Write(output);
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Runs one scenario; a failure is reported as a <c>bench &lt;scenario&gt; error=...</c> line and the run goes on.</summary>
    private static async Task<int> GuardAsync(string scenario, BenchReport report, TextWriter progress, Func<Task> run,
        CancellationToken cancellationToken)
    {
        try
        {
            await run();
            return 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            progress.WriteLine($"{scenario} failed: {exception}");
            report.Add(scenario, ("error", exception.GetType().Name), ("message", Shorten(exception.Message)));
            return 1;
        }
    }

    private static async Task ColdStart(BenchOptions options, LoopbackConnector connector, BenchReport report, TextWriter progress,
        CancellationToken cancellationToken)
    {
        if (!options.Runs("cold-start")) return;
        foreach (var build in options.ColdStartBuilds)
        {
            var launch = build switch
            {
                BenchOptions.NativeBuildName => options.Server with { Assembly = await NativeBuild.PublishAsync(progress, cancellationToken) },
                _ => options.Server,
            };
            progress.WriteLine($"cold start ({build} build)");
            var runs = new List<ColdStartResult>();
            for (var run = 0; run < options.Repetitions; run++) runs.Add(await ColdStartScenario.RunOnceAsync(connector, launch, cancellationToken));
            report.Add("cold-start",
                ("build", build),
                ("runs", runs.Count),
                ("healthz_ms", Median(runs.Select(run => run.HealthyMs))),
                ("healthz_cpu_ms", Median(runs.Select(run => run.HealthyCpuMs))),
                ("first_ws_ms", Median(runs.Select(run => run.FirstSocketMs))),
                ("signup_ms", Median(runs.Select(run => run.SignUpMs))),
                ("first_ws_minus_signup_ms", Median(runs.Select(run => run.FirstSocketMs - run.SignUpMs))),
                ("restart_ws_ms", Median(runs.Select(run => run.RestartSocketMs))),
                ("idle_rss_mb", Median(runs.Select(run => run.IdleRssBytes / 1048576.0))));
        }
    }

    private static async Task GuestChatRelay(BenchOptions options, LoopbackConnector connector, int socketCap, BenchReport report,
        List<RelayStepResult> relayResults, TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine("GuestChat: starting the server");
        await using var server = await GuestChatServer.StartAsync(options.Server, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32, UseCookies = false })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        var population = new GuestChatPopulation(new GuestChatApi(http, server.Origin), server.BaseAddress);
        var idleWanted = Math.Min(socketCap, Math.Max(options.Runs("idle") ? options.IdleCounts.DefaultIfEmpty(0).Max() : 0,
            options.Runs("relay") ? options.IdleDuringRelay : 0));
        var pairCount = options.Runs("relay") ? options.Pairs : 0;
        progress.WriteLine($"GuestChat: creating {pairCount} pairs and {idleWanted} idle guests through the API");
        try
        {
            var setup = Stopwatch.GetTimestamp();
            var pairs = await population.CreatePairsAsync(pairCount, progress, cancellationToken);
            var idle = await population.CreateIdleGuestsAsync(idleWanted, progress, cancellationToken);
            progress.WriteLine($"GuestChat: setup took {Stopwatch.GetElapsedTime(setup).TotalSeconds:0.0} s");
            var target = new RelayTarget("guestchat", server.Process.Id, server.Origin, pairs, idle);
            await MeasureTarget(target, options, connector, socketCap, report, relayResults, progress, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            progress.WriteLine($"GuestChat server {(server.Process.HasExited ? "exited" : "still running")}; its last output:\n{server.Process.Tail()}");
            throw;
        }
    }

    private static async Task PeerRelay(BenchOptions options, LoopbackConnector connector, int socketCap, BenchReport report,
        List<RelayStepResult> relayResults, TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine("ws peer: starting");
        await using var peer = await WsPeer.StartAsync(progress, cancellationToken);
        var baseUri = $"ws://127.0.0.1:{peer.Port}/ws";
        var pairs = Enumerable.Range(0, options.Pairs).Select(index =>
        {
            var chatId = Frames.RandomBase64Url(16);
            return new PairEndpoints(new SocketEndpoint(new Uri($"{baseUri}?id=m{index}&chats={chatId}"), null, chatId),
                new SocketEndpoint(new Uri($"{baseUri}?id=g{index}&chats={chatId}"), null, chatId));
        }).ToList();
        var idleCount = Math.Min(socketCap, Math.Max(options.IdleCounts.DefaultIfEmpty(0).Max(), options.IdleDuringRelay));
        var idle = Enumerable.Range(0, idleCount).Select(index => new SocketEndpoint(new Uri($"{baseUri}?id=idle{index}"), null, "")).ToList();
        var target = new RelayTarget("ws-peer", peer.Process.Id, $"http://127.0.0.1:{peer.Port}", pairs, idle);
        await MeasureTarget(target, options with { Scenarios = new HashSet<string>(["idle", "relay"]) }, connector, socketCap, report,
            relayResults, progress, cancellationToken);
        AddComparison(report, relayResults);
    }

    /// <summary>The idle scenario then the relay scenario against one target, sharing its idle sockets.</summary>
    private static async Task MeasureTarget(RelayTarget target, BenchOptions options, LoopbackConnector connector, int socketCap,
        BenchReport report, List<RelayStepResult> relayResults, TextWriter progress, CancellationToken cancellationToken)
    {
        var keep = options.Runs("relay") ? Math.Min(options.IdleDuringRelay, target.Idle.Count) : 0;
        var counts = options.Runs("idle") ? options.IdleCounts : [];
        // The peer is Node: only GuestChat's heap can be counted.
        Func<CancellationToken, Task<HeapCensus>>? census = target.Name == "guestchat"
            ? token => HeapCensus.TakeAsync(target.ProcessId, TimeSpan.FromSeconds(options.Quick ? 30 : 90), token)
            : null;
        var (idleResults, heap, kept) = await IdleScenario.RunAsync(target, counts, socketCap, keep,
            options.Quick ? TimeSpan.FromSeconds(1.5) : TimeSpan.FromSeconds(3), options.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(15),
            census, connector, progress, cancellationToken);
        try
        {
            foreach (var idle in idleResults)
            {
                report.Add("idle", ("target", idle.Target), ("requested", idle.Requested), ("sockets", idle.Sockets),
                    ("baseline_rss_mb", idle.BaselineRssBytes / 1048576.0), ("rss_mb", idle.RssBytes / 1048576.0),
                    ("bytes_per_socket", Math.Round(idle.BytesPerSocket)), ("marginal_bytes_per_socket", Math.Round(idle.MarginalBytesPerSocket)),
                    ("sockets_per_gib", idle.BytesPerSocket <= 0 ? double.NaN : Math.Round(1073741824 / idle.BytesPerSocket)),
                    ("capped_by", idle.CappedBy), ("idle_cpu_pct", idle.CpuPercent));
            }
            if (heap is not null)
            {
                AddHeap(report, heap);
            }
            if (!options.Runs("relay")) return;
            var scenario = target.Name == "guestchat" ? "relay" : "peer";
            await RelayScenario.RunAsync(target, kept, options, connector, progress, step =>
            {
                relayResults.Add(step);
                report.Add(scenario, RelayFields(step, target.Pairs.Count, kept.Length));
            }, cancellationToken);
        }
        finally
        {
            await SocketPool.CloseAsync(kept);
        }
    }

    private static (string, object)[] RelayFields(RelayStepResult step, int pairs, int idle) =>
    [
        ("target", step.Target), ("offered", step.Offered), ("delivered_per_s", Math.Round(step.DeliveredPerSecond)),
        ("p50_ms", step.P50Ms), ("p99_ms", step.P99Ms), ("p999_ms", step.P999Ms), ("max_ms", step.MaxMs), ("stored_p99_ms", step.StoredP99Ms),
        ("lost", step.Lost), ("dup", step.Duplicates), ("errors", step.Errors), ("closed", step.ClosedSockets),
        ("server_cpu_pct", step.ServerCores * 100), ("server_cpu_us_per_msg", step.ServerCpuMicrosecondsPerMessage),
        ("server_rss_mb", step.ServerRssBytes / 1048576.0), ("bench_cpu_pct", step.BenchCores * 100),
        ("other_cpu_pct", step.OtherCores * 100), ("bench_gc_pause_ms", step.BenchGcPauseMs), ("bench_gcs", step.BenchCollections),
        ("pairs", pairs), ("idle", idle), ("duration_s", step.DurationSeconds),
        ("runs", step.RunsP99Ms.Count), ("p99_runs_ms", string.Join('/', step.RunsP99Ms.Select(p99 => BenchReport.Format(p99)))),
    ];

    /// <summary>
    /// The live heap per idle socket, and the types that make it up: those with at least one object per two sockets
    /// closed between the two censuses, largest first.
    /// </summary>
    private static void AddHeap(BenchReport report, IdleHeap heap)
    {
        var closed = heap.Sockets - heap.SocketsAfter;
        report.Add("heap", ("target", heap.Target), ("sockets", heap.Sockets), ("sockets_after", heap.SocketsAfter),
            ("live_mb", heap.With.LiveBytes / 1048576.0), ("live_mb_after", heap.After.LiveBytes / 1048576.0),
            ("live_bytes_per_socket", Math.Round(heap.BytesPerSocket)), ("objects_per_socket", heap.ObjectsPerSocket));
        foreach (var (type, added) in heap.With.Beyond(heap.After, closed / 2).Take(HeapTypesReported))
        {
            report.Add("heap-type", ("target", heap.Target), ("bytes_per_socket", Math.Round(added.Bytes / (double)closed)),
                ("objects_per_socket", added.Count / (double)closed), ("type", type.Replace(' ', '_')));
        }
    }

    private const int HeapTypesReported = 25;

    /// <summary>GuestChat beside the peer: the best sustained rate with p99 ≤ 50 ms, and p99 at each rate both ran.</summary>
    private static void AddComparison(BenchReport report, List<RelayStepResult> results)
    {
        var guestChat = results.Where(step => step.Target == "guestchat").ToList();
        var peer = results.Where(step => step.Target == "ws-peer").ToList();
        if (guestChat.Count == 0 || peer.Count == 0) return;
        static double Best(List<RelayStepResult> steps) =>
            steps.Where(step => !step.Saturated && step.P99Ms <= 50).Select(step => step.DeliveredPerSecond).DefaultIfEmpty(0).Max();
        var (guestChatBest, peerBest) = (Best(guestChat), Best(peer));
        report.Add("relay-vs-peer", ("rate", "best_at_p99_50ms"), ("guestchat_per_s", Math.Round(guestChatBest)), ("peer_per_s", Math.Round(peerBest)),
            ("throughput_ratio", peerBest == 0 ? double.NaN : guestChatBest / peerBest), ("guestchat_p99_ms", double.NaN), ("peer_p99_ms", double.NaN),
            ("p99_ratio", double.NaN));
        foreach (var ours in guestChat)
        {
            var theirs = peer.FirstOrDefault(step => step.Offered == ours.Offered);
            if (theirs is null) continue;
            report.Add("relay-vs-peer", ("rate", ours.Offered), ("guestchat_per_s", Math.Round(ours.DeliveredPerSecond)),
                ("peer_per_s", Math.Round(theirs.DeliveredPerSecond)), ("throughput_ratio", ours.DeliveredPerSecond / theirs.DeliveredPerSecond),
                ("guestchat_p99_ms", ours.P99Ms), ("peer_p99_ms", theirs.P99Ms), ("p99_ratio", theirs.P99Ms == 0 ? double.NaN : ours.P99Ms / theirs.P99Ms));
        }
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return double.NaN;
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Shorten(string message)
    {
        var firstLine = message.Split('\n', 2)[0];
        return firstLine.Length <= 160 ? firstLine : firstLine[..160];
    }

    /// <summary>Kills every started process when the benchmark is interrupted.</summary>
    public static IDisposable[] StopChildrenOnSignals() =>
    [
        PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => ChildProcess.KillAll()),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => ChildProcess.KillAll()),
        PosixSignalRegistration.Create(PosixSignal.SIGHUP, _ => ChildProcess.KillAll()),
    ];
}
