using GuestChat.Bench.Hosting;

namespace GuestChat.Bench.Browser;

/// <summary>
/// Builds the web app exactly as the product does (web/'s own Vite config), into a temporary folder of the
/// bench's, so the guest page measured is the current source and nobody else's web/dist is touched.
/// </summary>
public static class WebBuild
{
    public static async Task<string> BuildAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var web = RepositoryPaths.WebFolder;
        if (!Directory.Exists(Path.Combine(web, "node_modules", "vite")))
        {
            progress.WriteLine("installing web/ dependencies (npm ci)");
            await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], web, TimeSpan.FromMinutes(5), cancellationToken);
        }
        var output = Directory.CreateTempSubdirectory("guestchat-bench-web-").FullName;
        progress.WriteLine("building the web app (web/'s Vite) for the guest page");
        await ChildProcess.RunAsync("node",
            [Path.Combine(web, "node_modules", "vite", "bin", "vite.js"), "build", "--outDir", output, "--emptyOutDir", "--logLevel", "warn"],
            web, TimeSpan.FromMinutes(3), cancellationToken);
        return File.Exists(Path.Combine(output, "guest.html"))
            ? output
            : throw new FileNotFoundException($"The web build wrote no guest.html into {output}.");
    }
}
