using System.Reflection;

namespace GuestChat.Bench.Hosting;

/// <summary>Where the repository and its build outputs are, as recorded when the bench was built.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

    /// <summary>The build configuration the bench was built with; it starts the server built the same way.</summary>
    public static string Configuration { get; } = Metadata("Configuration") ?? "Release";

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string ServerAssembly => Combine("src", "GuestChat.Server", "bin", Configuration, "net10.0", "GuestChat.Server.dll");

    public static string PeerFolder => Combine("bench", "ws-peer");

    public static string WebFolder => Combine("web");

    private static string FindRoot()
    {
        var recorded = Metadata("RepositoryRoot");
        if (recorded is not null && File.Exists(Path.Combine(recorded, "Directory.Packages.props"))) return Path.GetFullPath(recorded);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Directory.Packages.props above {AppContext.BaseDirectory}.");
    }

    private static string? Metadata(string key) =>
        typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == key)?.Value;
}
