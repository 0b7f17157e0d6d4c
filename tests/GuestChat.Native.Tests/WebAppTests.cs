using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using GuestChat.Server.Web;

namespace GuestChat.Native.Tests;

/// <summary>The web app published next to the executable (<c>wwwroot/</c>), its pages and assets, and their headers.</summary>
[Collection(NativeBuild.Collection)]
public sealed partial class WebAppTests(NativeBuild build)
{
    private string WebRoot => Path.Combine(Path.GetDirectoryName(build.Executable)!, "wwwroot");

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
    }

    private static async Task<string> HtmlAsync(GuestChatClient client, string path)
    {
        using var response = await client.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(response);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task TheMemberAppAndItsHashedScriptAreServedAsHtmlAndJavaScript()
    {
        await using var server = await build.StartServerAsync();
        using var client = server.CreateClient();

        var html = await HtmlAsync(client, "/");
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(WebRoot, "index.html")), html);
        Assert.Equal(html, await HtmlAsync(client, "/app/chats")); // the app's own routes
        var script = ModuleScript().Match(html).Groups[1].Value;
        Assert.Matches("^/assets/index-[-_A-Za-z0-9]+\\.js$", script);

        using var plain = await client.Http.GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), plain.Headers.CacheControl?.MaxAge);
        Assert.Equal(await File.ReadAllBytesAsync(WebRoot + script), await plain.Content.ReadAsByteArrayAsync());
        AssertSecurityHeaders(plain);
        using var request = new HttpRequestMessage(HttpMethod.Get, script);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        using var brotli = await client.Http.SendAsync(request);
        Assert.Equal("br", brotli.Content.Headers.ContentEncoding.Single());
        Assert.Equal("text/javascript", brotli.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(WebRoot + script + ".br"), await brotli.Content.ReadAsByteArrayAsync());
        await server.AssertStopsWithACleanLogAsync();
    }

    [Fact]
    public async Task TheGuestPageCarriesItsOpenInvitation()
    {
        await using var server = await build.StartServerAsync();
        using var member = server.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync("Grace Hopper");
        var (invitation, _) = await member.InviteAsync(device);
        using var guest = server.CreateClient();

        var html = await HtmlAsync(guest, $"/i/{invitation.Id}");

        Assert.Contains("<title>Private chat · GuestChat</title>", html, StringComparison.Ordinal);
        Assert.Matches("src=\"/assets/guest-[-_A-Za-z0-9]+\\.js\"", html);
        var block = InvitationDataBlock().Match(html);
        Assert.True(block.Success, html);
        var embedded = JsonSerializer.Deserialize<PublicInvitation>(block.Groups[1].Value, GuestChatClient.Json)!;
        var fetched = await guest.GetPublicInvitationAsync(invitation.Id);
        Assert.Equal((fetched.Id, "Grace Hopper", fetched.ExpiresAt, fetched.TermsVersion),
            (embedded.Id, embedded.InviterName, embedded.ExpiresAt, embedded.TermsVersion));
        Assert.Equal(fetched.Bundle, embedded.Bundle);
        await server.AssertStopsWithACleanLogAsync();
    }

    [Fact]
    public async Task TheTermsPageShowsTheShippedTermsWithTheirVersion()
    {
        await using var server = await build.StartServerAsync();
        using var client = server.CreateClient();
        var terms = await client.GetTermsAsync();

        var html = await HtmlAsync(client, "/terms");

        Assert.StartsWith("GuestChat Terms of Service", terms.Text, StringComparison.Ordinal);
        Assert.Contains("<p>GuestChat Terms of Service", html, StringComparison.Ordinal);
        Assert.Contains($"Version {terms.Version}", html, StringComparison.Ordinal);
        await server.AssertStopsWithACleanLogAsync();
    }

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ModuleScript();

    [GeneratedRegex("<script type=\"application/json\" id=\"" + GuestPage.DataBlockId + "\">(.*?)</script>")]
    private static partial Regex InvitationDataBlock();
}
