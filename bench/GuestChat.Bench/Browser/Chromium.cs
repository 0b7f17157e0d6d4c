using GuestChat.E2E.Support;
using Microsoft.Playwright;

namespace GuestChat.Bench.Browser;

/// <summary>The machine's Debian Chromium (started by <see cref="ChromiumLauncher"/>) for one scenario, closed with it.</summary>
public sealed class Chromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        var (playwright, browser) = await ChromiumLauncher.LaunchAsync();
        return new Chromium(playwright, browser);
    }

    /// <summary>Slows the page's CPU by <paramref name="rate"/> (1 = none), as DevTools' CPU throttling does.</summary>
    public static async Task ThrottleCpuAsync(IBrowserContext context, IPage page, double rate)
    {
        if (rate <= 1) return;
        var session = await context.NewCDPSessionAsync(page);
        await session.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = rate });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
