using System.Net;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Web;

public sealed class WebAppTests : IAsyncLifetime
{
    private readonly DirectoryInfo _webRoot = Directory.CreateTempSubdirectory("guestchat-web-");
    private readonly DirectoryInfo _termsFolder = Directory.CreateTempSubdirectory("guestchat-terms-");
    private GuestChatHost _host = null!;

    private string TermsFile => Path.Combine(_termsFolder.FullName, "terms.txt");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_webRoot.FullName, "assets"));
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "index.html"), "<!doctype html><title>member app</title>");
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "guest.html"), "<!doctype html><title>guest page</title>");
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "assets", "index-3f2a9c.js"), "console.log('app');");
        await File.WriteAllTextAsync(TermsFile, "Be kind & fair.\n<script>alert('x')</script>\n\nSecond \"paragraph\".");
        var options = new GuestChatHostOptions { WebRoot = _webRoot.FullName, RelaxRateLimits = true };
        options.Configuration["GuestChat:TermsFile"] = TermsFile;
        _host = await GuestChatHost.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _webRoot.Delete(recursive: true);
        _termsFolder.Delete(recursive: true);
    }

    [Theory]
    [InlineData("/", "member app")]
    [InlineData("/app/chats/abc", "member app")]
    [InlineData("/sign-in", "member app")]
    [InlineData("/i/AAAAAAAAAAAAAAAAAAAAAA", "guest page")]
    public async Task PagePathsServeTheRightHtmlUncached(string path, string title)
    {
        using var client = _host.CreateClient();
        using var response = await client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(title, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The guest page may carry the public invitation (GuestPageTests): never stored, like the API.
        Assert.True(path.StartsWith("/i/", StringComparison.Ordinal) ? response.Headers.CacheControl?.NoStore : response.Headers.CacheControl?.NoCache);
    }

    [Fact]
    public async Task HashedAssetsAreCachedForAYear()
    {
        using var client = _host.CreateClient();
        using var response = await client.Http.GetAsync("/assets/index-3f2a9c.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        Assert.Contains("immutable", response.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingFileIsANotFoundProblemNotTheApp()
    {
        using var client = _host.CreateClient();
        using var response = await client.Http.GetAsync("/assets/missing-123.js");
        await Problem.AssertAsync(response, HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/assets/index-3f2a9c.js")]
    [InlineData("/api/terms")]
    [InlineData("/api/nothing-here")]
    [InlineData("/terms")]
    [InlineData("/healthz")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path)
    {
        using var client = _host.CreateClient();
        using var response = await client.Http.GetAsync(path);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        foreach (var directive in new[] { "default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'" })
        {
            Assert.Contains(directive, csp, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // plain HTTP: HSTS only over HTTPS
    }

    [Fact]
    public async Task TheTermsPageRendersTheOperatorsTextAsTextWithItsVersion()
    {
        using var client = _host.CreateClient();
        var terms = await client.GetTermsAsync();
        using var response = await client.Http.GetAsync("/terms");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("Be kind &amp; fair.", html, StringComparison.Ordinal);
        Assert.Contains(terms.Version, html, StringComparison.Ordinal);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(terms.Text)))[..16];
        Assert.Equal(expected, terms.Version);
    }

    [Fact]
    public async Task ReplacingTheTermsFileChangesTheVersionAGuestMustAccept()
    {
        using var member = _host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        using var guest = _host.CreateClient();
        var old = await guest.GetTermsAsync();

        await File.WriteAllTextAsync(TermsFile, "New terms, longer than before so the file changes for sure.");
        File.SetLastWriteTimeUtc(TermsFile, DateTime.UtcNow.AddMinutes(1));
        var current = await guest.GetTermsAsync();

        Assert.NotEqual(old.Version, current.Version);
        Assert.Equal(current.Version, (await guest.GetPublicInvitationAsync(invitation.Id)).TermsVersion);
        var claim = new ClaimRequest("Late", old.Version, [1], new byte[32], verifier, [1]);
        await Problem.ThrowsAsync(HttpStatusCode.Conflict, ErrorCodes.TermsChanged, () => guest.ClaimAsync(invitation.Id, claim));
        await guest.ClaimAsync(invitation.Id, claim with { TermsVersion = current.Version });
    }

    [Fact]
    public async Task TheShippedTermsAreServedByDefault()
    {
        await using var host = await GuestChatHost.StartAsync();
        using var client = host.CreateClient();
        var terms = await client.GetTermsAsync();
        Assert.StartsWith("GuestChat Terms of Service", terms.Text, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", terms.Version);
    }

    [Fact]
    public async Task WithoutABuiltWebAppPagesAreANotFoundProblemAndTheApiStillWorks()
    {
        var options = new GuestChatHostOptions { WebRoot = Path.Combine(_webRoot.FullName, "absent") };
        await using var host = await GuestChatHost.StartAsync(options);
        using var client = host.CreateClient();

        using var page = await client.Http.GetAsync("/");

        await Problem.AssertAsync(page, HttpStatusCode.NotFound, ErrorCodes.NotFound);
        Assert.Equal("ok", await client.Http.GetStringAsync("/healthz"));
    }
}
