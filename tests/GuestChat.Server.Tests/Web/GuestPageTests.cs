using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using GuestChat.Server.Tests.Support;

namespace GuestChat.Server.Tests.Web;

/// <summary>The guest page at /i/{id} carries the public invitation while it can be claimed, and nothing else.</summary>
public sealed partial class GuestPageTests : IAsyncLifetime
{
    private const string GuestHtml = "<!doctype html><html><head><title>guest page</title></head><body><div id=\"app\"></div></body></html>";
    private readonly DirectoryInfo _webRoot = Directory.CreateTempSubdirectory("guestchat-web-");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "index.html"), "<!doctype html><title>member app</title>");
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "guest.html"), GuestHtml);
    }

    public Task DisposeAsync()
    {
        _webRoot.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private Task<GuestChatHost> StartAsync(int? lookupsPerAddress = null)
    {
        var options = new GuestChatHostOptions { WebRoot = _webRoot.FullName, RelaxRateLimits = true };
        if (lookupsPerAddress is { } permits)
        {
            options.Configuration["GuestChat:RateLimits:InvitationLookupPerAddress:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
            options.Configuration["GuestChat:RateLimits:InvitationLookupPerAddress:Window"] = "01:00:00";
        }
        return GuestChatHost.StartAsync(options);
    }

    private static async Task<string> PageAsync(GuestChatClient client, string id)
    {
        using var response = await client.Http.GetAsync($"/i/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return await response.Content.ReadAsStringAsync();
    }

    private static string? DataBlock(string html)
    {
        var blocks = DataBlocks().Matches(html);
        Assert.True(blocks.Count <= 1);
        return blocks.Count == 1 ? blocks[0].Groups[1].Value : null;
    }

    [Fact]
    public async Task AnOpenInvitationIsEmbeddedAsThePublicInvitationJson()
    {
        await using var host = await StartAsync();
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync("Ada </script><script>alert(1)</script> & \"Co\"");
        var (invitation, _) = await member.InviteAsync(device);
        using var guest = host.CreateClient();

        var html = await PageAsync(guest, invitation.Id.Value);
        var publicJson = await guest.Http.GetStringAsync($"/api/invitations/{invitation.Id}/public");

        var block = DataBlock(html);
        Assert.NotNull(block);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(publicJson).RootElement, JsonDocument.Parse(block).RootElement), block);
        Assert.DoesNotContain("<", block, StringComparison.Ordinal);
        Assert.Equal("Ada </script><script>alert(1)</script> & \"Co\"", JsonDocument.Parse(block).RootElement.GetProperty("inviterName").GetString());
        Assert.StartsWith(GuestHtml[..GuestHtml.IndexOf("</head>", StringComparison.Ordinal)], html, StringComparison.Ordinal);
        Assert.EndsWith(GuestHtml[GuestHtml.IndexOf("</head>", StringComparison.Ordinal)..], html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServingThePageUsesNothingUp()
    {
        await using var host = await StartAsync();
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, verifier) = await member.InviteAsync(device);
        using var guest = host.CreateClient();

        await PageAsync(guest, invitation.Id.Value);
        await PageAsync(guest, invitation.Id.Value);

        var chat = await guest.ClaimAsync(invitation.Id, verifier);
        Assert.Equal(invitation.Id, chat.InvitationId);
    }

    [Fact]
    public async Task AnInvitationThatCannotBeClaimedIsNotEmbedded()
    {
        await using var host = await StartAsync();
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (used, verifier) = await member.InviteAsync(device);
        var (cancelled, _) = await member.InviteAsync(device);
        var withoutBundle = await member.CreateInvitationAsync(device);
        using var guest = host.CreateClient();
        await guest.ClaimAsync(used.Id, verifier);
        await member.CancelInvitationAsync(cancelled.Id);

        foreach (var id in new[] { used.Id.Value, cancelled.Id.Value, withoutBundle.Id.Value, "AAAAAAAAAAAAAAAAAAAAAA", "not-an-id" })
        {
            Assert.Null(DataBlock(await PageAsync(guest, id)));
        }
    }

    [Fact]
    public async Task PastTheLookupLimitThePageIsServedWithoutTheInvitation()
    {
        await using var host = await StartAsync(lookupsPerAddress: 2);
        using var member = host.CreateClient();
        var (_, device) = await member.CreateMemberWithDeviceAsync();
        var (invitation, _) = await member.InviteAsync(device);
        using var guest = host.CreateClient();

        Assert.NotNull(DataBlock(await PageAsync(guest, invitation.Id.Value)));
        Assert.NotNull(DataBlock(await PageAsync(guest, invitation.Id.Value)));
        Assert.Null(DataBlock(await PageAsync(guest, invitation.Id.Value)));
    }

    [GeneratedRegex("""<script type="application/json" id="guestchat-invitation">(.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex DataBlocks();
}
