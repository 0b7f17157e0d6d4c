using System.Diagnostics;

using GuestChat.Testing;

namespace GuestChat.E2E.Support;

/// <summary>
/// Makes sure <c>web/dist</c> holds a build of the current <c>web/</c> sources before the journeys serve it:
/// runs <c>npm run build</c> only when the build is missing or older than a source file.
/// </summary>
public static class WebAppBuild
{
    private static readonly SemaphoreSlim s_gate = new(1, 1);
    private static string? s_built;

    public static string WebFolder => Path.Combine(RepositoryRoot.Path, "web");

    public static string DistFolder => RepositoryRoot.WebDist;

    /// <summary>Returns the path of an up-to-date <c>web/dist</c>.</summary>
    public static async Task<string> EnsureBuiltAsync()
    {
        await s_gate.WaitAsync();
        try
        {
            if (s_built is not null) return s_built;
            if (IsStale()) await RunBuildAsync();
            if (!File.Exists(Path.Combine(DistFolder, "index.html")) || !File.Exists(Path.Combine(DistFolder, "guest.html")))
            {
                throw new InvalidOperationException($"{DistFolder} has no index.html and guest.html after the web build.");
            }
            return s_built = DistFolder;
        }
        finally
        {
            s_gate.Release();
        }
    }

    private static bool IsStale()
    {
        var builtAt = File.Exists(Path.Combine(DistFolder, "index.html"))
            ? File.GetLastWriteTimeUtc(Path.Combine(DistFolder, "index.html"))
            : DateTime.MinValue;
        return SourceFiles().Any(file => File.GetLastWriteTimeUtc(file) > builtAt);
    }

    private static IEnumerable<string> SourceFiles()
    {
        foreach (var name in new[] { "index.html", "guest.html", "package.json", "vite.config.ts", "tsconfig.json" })
        {
            var file = Path.Combine(WebFolder, name);
            if (File.Exists(file)) yield return file;
        }
        foreach (var folder in new[] { "src", "public" })
        {
            var dir = Path.Combine(WebFolder, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)) yield return file;
        }
    }

    private static async Task RunBuildAsync()
    {
        var start = new ProcessStartInfo("npm", "run build")
        {
            WorkingDirectory = WebFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`npm run build` in {WebFolder} failed with exit code {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }
}
