using System.Text.Json;
using System.Threading.RateLimiting;
using GuestChat.Protocol;
using GuestChat.Server.Configuration;
using GuestChat.Server.Invitations;
using GuestChat.Server.Terms;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Web;

/// <summary>
/// The guest page at <c>/i/{id}</c>: the built <c>guest.html</c> with, while the invitation can be claimed, its
/// public invitation embedded as a data block, <c>&lt;script type="application/json" id="guestchat-invitation"&gt;</c>
/// holding the same JSON as <c>GET /api/invitations/{id}/public</c>, so the page shows the invitation without a
/// second round trip. A data block is never executed, so the CSP (<c>script-src 'self'</c>) stays as it is; the
/// JSON's <c>&lt;</c> are escaped, so no text in it can close the block.
/// <para>
/// The lookup is the public GET's own (a read, free of side effects), limited per address by the same rule,
/// <c>InvitationLookupPerAddress</c>, with a budget of its own. Past that budget, for an invitation that cannot be
/// claimed, or for an id that is not one, the page goes without and the script asks the API, which says why. The
/// link secret (the fragment) never reaches the server, so the page never holds it. Caches may not store the page
/// (<c>no-store</c>, like the API), as it may carry the invitation.
/// </para>
/// </summary>
public sealed class GuestPage : IDisposable
{
    public const string DataBlockId = "guestchat-invitation";
    private const string FileName = "guest.html";
    private const string HeadEnd = "</head>";

    private readonly PartitionedRateLimiter<HttpContext> _lookups;
    private Template? _template;

    private GuestPage(RateLimitRule rule) =>
        _lookups = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => RateLimits.Window(rule)));

    /// <summary>Made once per app, with the lookup limit as configured at start; disposed when the app stops.</summary>
    public static GuestPage Create(IServiceProvider services)
    {
        var page = new GuestPage(services.GetRequiredService<IOptions<RateLimitOptions>>().Value.InvitationLookupPerAddress);
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(page.Dispose);
        return page;
    }

    public async Task<IResult> ServeAsync(HttpContext context, string id, string webRoot)
    {
        var template = Load(Path.Combine(webRoot, FileName));
        if (template is null)
        {
            return Problems.NotFound(ErrorCodes.NotFound, "The web app is not built (see docs/operations.md).");
        }
        context.Response.Headers.CacheControl = "no-store";
        var invitation = await LookUpAsync(context, id);
        var html = invitation is null || template.HeadEnd < 0
            ? template.Html
            : string.Concat(template.Html.AsSpan(0, template.HeadEnd), DataBlock(invitation), template.Html.AsSpan(template.HeadEnd));
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    /// <summary>The JSON in its data block. <c>&lt;</c> is written as <c>\u003c</c> (the default encoder already does so).</summary>
    public static string DataBlock(PublicInvitation invitation) =>
        $"<script type=\"application/json\" id=\"{DataBlockId}\">" +
        JsonSerializer.Serialize(invitation, GuestChatJsonContext.Default.PublicInvitation).Replace("<", "\\u003c", StringComparison.Ordinal) +
        "</script>";

    private async Task<PublicInvitation?> LookUpAsync(HttpContext context, string id)
    {
        if (!InvitationId.TryParse(id, out _))
        {
            return null;
        }
        using var lease = _lookups.AttemptAcquire(context);
        if (!lease.IsAcquired)
        {
            return null;
        }
        var services = context.RequestServices;
        var result = await PublicInvitationApi.GetAsync(id, services.GetRequiredService<IInvitationStore>(),
            services.GetRequiredService<TermsProvider>(), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<ChatOptions>>(), context.RequestAborted);
        return result.Result is Ok<PublicInvitation> open ? open.Value : null;
    }

    /// <summary>The page's text, read again only when the file changes (a new build).</summary>
    private Template? Load(string file)
    {
        var info = new FileInfo(file);
        if (!info.Exists)
        {
            return null;
        }
        var cached = _template;
        if (cached is not null && cached.File == file && cached.Written == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return cached;
        }
        var html = File.ReadAllText(file);
        var loaded = new Template(file, info.LastWriteTimeUtc, info.Length, html, html.IndexOf(HeadEnd, StringComparison.OrdinalIgnoreCase));
        _template = loaded;
        return loaded;
    }

    public void Dispose() => _lookups.Dispose();

    private sealed record Template(string File, DateTime Written, long Length, string Html, int HeadEnd);
}
