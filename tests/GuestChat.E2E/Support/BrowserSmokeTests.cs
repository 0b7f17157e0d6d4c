using GuestChat.E2E.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Microsoft.Playwright.Assertions;

namespace GuestChat.E2E;

/// <summary>Proves the toolchain: Playwright drives /usr/bin/chromium against a Kestrel server on a loopback port.</summary>
public sealed class BrowserSmokeTests
{
    [Fact]
    public async Task ChromiumLoadsAPageFromALoopbackKestrelServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/", () => Results.Content(
            "<!doctype html><title>smoke</title><main><h1>Hello from Kestrel</h1><button>Press</button></main>",
            "text/html"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        var (playwright, browser) = await ChromiumLauncher.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(address);

        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Heading, new() { Name = "Hello from Kestrel" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Press" })).ToBeVisibleAsync();
    }
}
