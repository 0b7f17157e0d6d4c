using GuestChat.Bench.Hosting;
using Microsoft.Playwright;

namespace GuestChat.Bench.Browser;

/// <summary>
/// The bench-only page that runs the web app's real crypto module (bench/crypto-page/entry.ts, which imports
/// web/src/crypto/index.ts). It is built with web/'s own Vite, outside the product's build, and served to
/// Chromium by Playwright from http://localhost/ (a secure context, so WebCrypto is there) without a server.
/// </summary>
public static class CryptoPage
{
    private const string Origin = "http://localhost";
    private const string PageHtml = "<!doctype html><html><head><meta charset=\"utf-8\"><title>GuestChat bench crypto</title></head>" +
        "<body><script src=\"/bench-crypto.js\"></script></body></html>";

    public static async Task<string> BuildAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var web = RepositoryPaths.WebFolder;
        var folder = RepositoryPaths.Combine("bench", "crypto-page");
        if (!File.Exists(Path.Combine(web, "src", "crypto", "index.ts")))
        {
            throw new FileNotFoundException("web/src/crypto/index.ts does not exist yet: the crypto module is not written.");
        }
        if (!Directory.Exists(Path.Combine(web, "node_modules", "vite")))
        {
            progress.WriteLine("installing web/ dependencies (npm ci)");
            await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], web, TimeSpan.FromMinutes(5), cancellationToken);
        }
        progress.WriteLine("building the bench crypto page (web/'s Vite, bench/crypto-page)");
        await ChildProcess.RunAsync("node", [Path.Combine(web, "node_modules", "vite", "bin", "vite.js"), "build", "--config", "vite.config.mjs"],
            folder, TimeSpan.FromMinutes(3), cancellationToken);
        var script = Path.Combine(folder, "dist", "bench-crypto.js");
        return File.Exists(script) ? script : throw new FileNotFoundException($"The bench crypto build wrote no {script}.");
    }

    /// <summary>Opens the page in <paramref name="context"/> and waits until <c>window.guestChatBench</c> is there.</summary>
    public static async Task<IPage> OpenAsync(IBrowserContext context, string scriptPath)
    {
        var script = await File.ReadAllBytesAsync(scriptPath);
        await context.RouteAsync($"{Origin}/**", route => route.Request.Url.EndsWith("/bench-crypto.js", StringComparison.Ordinal)
            ? route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/javascript", BodyBytes = script })
            : route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = PageHtml }));
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{Origin}/");
        await page.WaitForFunctionAsync("() => window.guestChatBench !== undefined", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        return page;
    }
}
