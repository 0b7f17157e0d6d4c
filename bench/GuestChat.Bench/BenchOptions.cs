using System.Globalization;

namespace GuestChat.Bench;

/// <summary>The benchmark's settings: a full run by default, a short one with --quick, each figure overridable.</summary>
public sealed record BenchOptions
{
    public static readonly string[] AllScenarios = ["cold-start", "idle", "relay", "peer", "guest-page", "crypto"];

    public bool Quick { get; init; }

    /// <summary>Member/guest pairs exchanging messages in the relay scenario.</summary>
    public int Pairs { get; init; } = 1_000;

    /// <summary>Idle authenticated sockets held open during the relay scenario.</summary>
    public int IdleDuringRelay { get; init; } = 10_000;

    /// <summary>Socket counts at which the idle scenario measures memory.</summary>
    public IReadOnlyList<int> IdleCounts { get; init; } = [10_000, 50_000];

    /// <summary>Offered rates in messages per second, ascending; the run stops at the first the relay cannot sustain.</summary>
    public IReadOnlyList<int> Rates { get; init; } = [1_000, 5_000, 10_000, 20_000, 30_000, 40_000, 60_000];

    public TimeSpan StepDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs of each offered rate in the relay scenario (GuestChat and the peer alike); the median run is reported.</summary>
    public int RelayRepetitions { get; init; } = 3;

    /// <summary>Measured page loads (and cold starts) per condition; the median is reported.</summary>
    public int Repetitions { get; init; } = 5;

    /// <summary>Encrypt+decrypt rounds in the crypto scenario.</summary>
    public int CryptoMessages { get; init; } = 2_000;

    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string>(AllScenarios);

    /// <summary>Extra environment for the GuestChat server (e.g. DOTNET_gcServer=0), for profiling; none by default.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Another build of the server to measure (an experiment); by default the repository's own build.</summary>
    public string? ServerAssembly { get; init; }

    /// <summary>
    /// Built web apps (Vite output folders) to measure in the guest-page scenario instead of the repository's web/,
    /// load by load in turn (an A/B of web changes on a noisy machine); none by default.
    /// </summary>
    public IReadOnlyList<Browser.GuestPageScenario.WebRoot> WebRoots { get; init; } = [];

    public const string JitBuildName = "jit";
    public const string NativeBuildName = "native";
    public const string CustomBuildName = "custom";

    /// <summary>
    /// The server builds whose cold start is measured: the repository's (JIT-compiled) build and the native one
    /// (scripts/publish-native) in a full run; in quick mode only the first, unless asked. With --server-dll, that build.
    /// </summary>
    public IReadOnlyList<string> ColdStartBuilds
    {
        get => ServerAssembly is not null ? [CustomBuildName] : _coldStartBuilds ?? (Quick ? [JitBuildName] : [JitBuildName, NativeBuildName]);
        init => _coldStartBuilds = value;
    }

    private readonly IReadOnlyList<string>? _coldStartBuilds;

    /// <summary>How to start the GuestChat server: which build, with which extra environment.</summary>
    public Hosting.ServerLaunch Server => new(ServerAssembly ?? Hosting.RepositoryPaths.ServerAssembly, ServerEnvironment);

    /// <summary>A hard bound on the whole run: past it everything is stopped.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(40);

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = args.Contains("--quick") ? QuickDefaults() : new BenchOptions();
        for (var index = 0; index < args.Count; index++)
        {
            var name = args[index];
            if (name == "--quick") continue;
            if (index + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
            var value = args[++index];
            options = name switch
            {
                "--pairs" => options with { Pairs = Positive(name, value) },
                "--idle" => options with { IdleDuringRelay = NonNegative(name, value) },
                "--idle-counts" => options with { IdleCounts = List(name, value) },
                "--rates" => options with { Rates = [.. List(name, value).Order()] },
                "--duration" => options with { StepDuration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--repetitions" => options with { Repetitions = Positive(name, value) },
                "--relay-repetitions" => options with { RelayRepetitions = Positive(name, value) },
                "--crypto-messages" => options with { CryptoMessages = Positive(name, value) },
                "--scenarios" => options with { Scenarios = Scenario(value) },
                "--deadline" => options with { Deadline = TimeSpan.FromSeconds(Positive(name, value)) },
                "--server-dll" => options with { ServerAssembly = Path.GetFullPath(value) },
                "--cold-start-builds" => options with { ColdStartBuilds = Builds(name, value) },
                "--server-env" => options with { ServerEnvironment = WithSetting(options.ServerEnvironment, name, value) },
                "--web-root" => options with { WebRoots = [.. options.WebRoots, WebRoot(name, value)] },
                _ => throw new ArgumentException($"Unknown option {name}. {Usage}"),
            };
        }
        return options;
    }

    public const string Usage =
        "Options: --quick, --pairs N, --idle N, --idle-counts N,N, --rates N,N, --duration SECONDS, --repetitions N, " +
        "--crypto-messages N, --scenarios cold-start,idle,relay,peer,guest-page,crypto, --deadline SECONDS, --server-env NAME=VALUE, --server-dll PATH, " +
        "--cold-start-builds jit,native, " +
        "--web-root LABEL=FOLDER (repeatable)";

    private static BenchOptions QuickDefaults() => new()
    {
        Quick = true,
        Pairs = 100,
        IdleDuringRelay = 1_000,
        IdleCounts = [1_000],
        Rates = [1_000, 5_000, 10_000],
        StepDuration = TimeSpan.FromSeconds(3),
        RelayRepetitions = 1,
        Repetitions = 2,
        CryptoMessages = 300,
        Deadline = TimeSpan.FromSeconds(110),
    };

    private static string[] Builds(string name, string value)
    {
        var builds = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return builds.Length > 0 && builds.All(build => build is JitBuildName or NativeBuildName)
            ? builds
            : throw new ArgumentException($"{name} takes {JitBuildName} and/or {NativeBuildName}, not '{value}'.");
    }

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string name, string value)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0) throw new ArgumentException($"{name} needs NAME=VALUE, not '{value}'.");
        return new Dictionary<string, string>(settings) { [parts[0]] = parts[1] };
    }

    private static Browser.GuestPageScenario.WebRoot WebRoot(string name, string value)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || !File.Exists(Path.Combine(parts[1], "guest.html")))
            throw new ArgumentException($"{name} needs LABEL=FOLDER, a folder holding a built guest.html, not '{value}'.");
        return new(parts[0], Path.GetFullPath(parts[1]));
    }

    private static HashSet<string> Scenario(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var unknown = names.Except(AllScenarios).ToList();
        return unknown.Count == 0 ? names : throw new ArgumentException($"Unknown scenario {string.Join(", ", unknown)}.");
    }

    private static List<int> List(string name, string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(part => Positive(name, part.Trim()))];

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{name} needs a positive whole number, not '{value}'.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= 0
            ? number
            : throw new ArgumentException($"{name} needs a whole number, not '{value}'.");
}
