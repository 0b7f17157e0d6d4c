using Microsoft.Playwright;

namespace GuestChat.E2E.Support;

/// <summary>One Chromium for the whole suite; every test opens its own contexts.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync() => (_playwright, _browser) = await ChromiumLauncher.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
