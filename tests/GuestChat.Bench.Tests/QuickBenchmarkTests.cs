using System.Globalization;
using GuestChat.Bench;

namespace GuestChat.Bench.Tests;

/// <summary>
/// Runs the whole benchmark once in quick mode at a tiny scale so that it cannot rot: every scenario must print
/// its <c>bench ...</c> line with sane fields. Nothing here asserts a speed; figures come from real runs.
/// </summary>
public sealed class QuickBenchmarkTests
{
    // Deadlines are generous: a shared CI machine can be several times slower than a quiet one, and the tests
    // check that every scenario works, not how long it takes (quick mode's own deadline stays 110 s).
    private static readonly string[] s_tinyRun =
    [
        "--quick", "--pairs", "5", "--idle", "20", "--idle-counts", "20", "--rates", "200", "--duration", "2", "--relay-repetitions", "2",
        "--repetitions", "1", "--crypto-messages", "20", "--deadline", "300",
    ];

    [Fact]
    public async Task EveryScenarioPrintsItsBenchLineWithSaneFields()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var progress = new StringWriter(CultureInfo.InvariantCulture);

        var exitCode = await BenchmarkRun.MainAsync(s_tinyRun, output, progress, CancellationToken.None);

        var lines = BenchLine.ParseAll(output.ToString());
        Assert.True(exitCode == 0, $"The benchmark failed:\n{progress}\n{output}");
        Assert.DoesNotContain(lines, line => line.Fields.ContainsKey("error"));

        var coldStart = Assert.Single(lines, line => line.Scenario == "cold-start");
        Assert.Equal("jit", coldStart.Fields["build"]); // quick mode: the repository's build only
        AssertColdStartFields(coldStart);

        foreach (var target in new[] { "guestchat", "ws-peer" })
        {
            var idle = Assert.Single(lines, line => line.Scenario == "idle" && line.Fields["target"] == target);
            Assert.Equal(20, idle.Number("sockets"));
            Assert.True(idle.Number("rss_mb") > 0);
            Assert.True(double.IsFinite(idle.Number("bytes_per_socket")));
            Assert.True(idle.Number("idle_cpu_pct") >= 0);

            var relay = Assert.Single(lines, line => line.Scenario == (target == "guestchat" ? "relay" : "peer"));
            Assert.Equal(200, relay.Number("offered"));
            Assert.True(relay.Number("delivered_per_s") > 0);
            Assert.True(relay.Number("p50_ms") > 0);
            Assert.True(relay.Number("p99_ms") >= relay.Number("p50_ms"));
            Assert.True(relay.Number("max_ms") >= relay.Number("p99_ms"));
            Assert.Equal(0, relay.Number("dup"));
            Assert.Equal(0, relay.Number("errors"));
            Assert.Equal(0, relay.Number("closed"));
            Assert.True(relay.Number("server_rss_mb") > 0);
            Assert.True(relay.Number("bench_gcs") >= 0);
            Assert.True(relay.Number("bench_gc_pause_ms") >= 0);
            // Each rate ran twice; the line is the run with the median p99 (the higher of two), whole.
            Assert.Equal(2, relay.Number("runs"));
            var runs = relay.Fields["p99_runs_ms"].Split('/').Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(2, runs.Count);
            Assert.Equal(runs.Max(), relay.Number("p99_ms"), 0.001);
        }
        Assert.Contains(lines, line => line.Scenario == "relay-vs-peer" && line.Fields["rate"] == "200");

        // The live heap per idle socket, GuestChat's only (the peer is Node): counted with the 20 sockets open and
        // again with none (the relay's 20 reopen after), each socket's connection object among the types.
        var heap = Assert.Single(lines, line => line.Scenario == "heap");
        Assert.Equal("guestchat", heap.Fields["target"]);
        Assert.Equal(20, heap.Number("sockets"));
        Assert.Equal(0, heap.Number("sockets_after"));
        Assert.True(heap.Number("live_bytes_per_socket") > 0);
        var connections = Assert.Single(lines, line => line.Scenario == "heap-type" && line.Fields["type"] == "GuestChat.Server.Realtime.ClientConnection");
        Assert.InRange(connections.Number("objects_per_socket"), 0.9, 1.0);
        Assert.True(connections.Number("bytes_per_socket") > 0);

        var pages = lines.Where(line => line.Scenario == "guest-page").ToList();
        Assert.Equal(["loopback", "loopback_cpu4x"], pages.Select(page => page.Fields["condition"]));
        Assert.All(pages, page =>
        {
            Assert.True(page.Number("chat_ready_ms") > 0);
            Assert.True(page.Number("js_css_gzip_bytes") > 0);
            Assert.True(page.Number("js_css_gzip_bytes") < page.Number("js_css_raw_bytes"));
        });

        var crypto = Assert.Single(lines, line => line.Scenario == "crypto");
        Assert.True(crypto.Number("encrypt_decrypt_ms") > 0);
        Assert.True(crypto.Number("ratchet_msg_ms") > 0);
    }

    [Fact]
    public async Task GuestPageComparesWebBuildsGivenByWebRootOneLineEach()
    {
        using var progress = new StringWriter(CultureInfo.InvariantCulture);
        var webRoot = await Browser.WebBuild.BuildAsync(progress, CancellationToken.None);
        try
        {
            using var output = new StringWriter(CultureInfo.InvariantCulture);
            var exitCode = await BenchmarkRun.MainAsync(
                ["--scenarios", "guest-page", "--repetitions", "1", "--web-root", $"a={webRoot}", "--web-root", $"b={webRoot}", "--deadline", "300"],
                output, progress, CancellationToken.None);

            Assert.True(exitCode == 0, $"The benchmark failed:\n{progress}\n{output}");
            var pages = BenchLine.ParseAll(output.ToString()).Where(line => line.Scenario == "guest-page").ToList();
            Assert.Equal(["loopback/a", "loopback/b", "loopback_cpu4x/a", "loopback_cpu4x/b"],
                pages.Select(page => $"{page.Fields["condition"]}/{page.Fields["web"]}"));
            Assert.All(pages, page => Assert.True(page.Number("chat_ready_ms") > 0));
        }
        finally
        {
            Directory.Delete(webRoot, recursive: true);
        }
    }

    [Fact]
    public async Task ColdStartMeasuresTheNativeBuildPublishedByTheRepositorysScript()
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var progress = new StringWriter(CultureInfo.InvariantCulture);

        var exitCode = await BenchmarkRun.MainAsync(
            ["--scenarios", "cold-start", "--cold-start-builds", "native", "--repetitions", "1", "--deadline", "900"],
            output, progress, CancellationToken.None);

        Assert.True(exitCode == 0, $"The benchmark failed:\n{progress}\n{output}");
        var coldStart = Assert.Single(BenchLine.ParseAll(output.ToString()), line => line.Scenario == "cold-start");
        Assert.Equal("native", coldStart.Fields["build"]);
        AssertColdStartFields(coldStart);
        Assert.True(File.Exists(Hosting.NativeBuild.Executable));
    }

    [Fact]
    public void EachRelayRateRunsThreeTimesInAFullRunOnceInQuickModeOrAsAsked()
    {
        Assert.Equal(3, BenchOptions.Parse([]).RelayRepetitions);
        Assert.Equal(1, BenchOptions.Parse(["--quick"]).RelayRepetitions);
        Assert.Equal(5, BenchOptions.Parse(["--quick", "--relay-repetitions", "5"]).RelayRepetitions);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--relay-repetitions", "0"]));
    }

    [Fact]
    public void ARateRunSeveralTimesReportsItsMedianRunWholeWithEveryRunsP99()
    {
        static Relay.RelayStepResult Run(double p99, long delivered) =>
            new("guestchat", 1000, 10, 10_000, delivered, delivered / 10.0, 1, p99, p99 * 2, p99 * 3, p99, 0, 0, 0, 0, 0.5, 100, 1 << 20, 0.2, 0.1, 0, 0);

        var median = Relay.RelayStepResult.MedianOf([Run(90, 9_000), Run(12, 10_000), Run(30, 9_990)]);
        Assert.Equal(30, median.P99Ms);
        Assert.Equal(9_990, median.Delivered); // the whole of that run, not a mix of runs
        Assert.Equal([90, 12, 30], median.RunsP99Ms);

        Assert.Equal(40, Relay.RelayStepResult.MedianOf([Run(40, 1), Run(20, 1)]).P99Ms); // even: the higher middle
        Assert.Equal(7, Relay.RelayStepResult.MedianOf([Run(7, 1)]).P99Ms);
    }

    [Fact]
    public void ColdStartBuildsAreTheRepositorysAndTheNativeInAFullRunAndOnlyTheGivenOneWithServerDll()
    {
        Assert.Equal(["jit", "native"], BenchOptions.Parse([]).ColdStartBuilds);
        Assert.Equal(["jit"], BenchOptions.Parse(["--quick"]).ColdStartBuilds);
        Assert.Equal(["native"], BenchOptions.Parse(["--quick", "--cold-start-builds", "native"]).ColdStartBuilds);
        Assert.Equal(["custom"], BenchOptions.Parse(["--server-dll", "/opt/guestchat/GuestChat.Server"]).ColdStartBuilds);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--cold-start-builds", "aot"]));
    }

    private static void AssertColdStartFields(BenchLine coldStart) =>
        Assert.All(["healthz_ms", "healthz_cpu_ms", "first_ws_ms", "restart_ws_ms", "idle_rss_mb"], key => Assert.True(coldStart.Number(key) > 0, key));

    [Fact]
    public void WebRootMustBeALabelAndABuiltWebApp() =>
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--web-root", Path.GetTempPath()]));

    private sealed record BenchLine(string Scenario, IReadOnlyDictionary<string, string> Fields)
    {
        public double Number(string key) =>
            double.Parse(Fields.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"{Scenario} has no {key}"),
                CultureInfo.InvariantCulture);

        public static List<BenchLine> ParseAll(string output) =>
        [
            .. output.Split('\n')
                .Where(line => line.StartsWith("bench ", StringComparison.Ordinal))
                .Select(line => line.Trim().Split(' '))
                .Select(parts => new BenchLine(parts[1], parts.Skip(2).Select(part => part.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]))),
        ];
    }
}
