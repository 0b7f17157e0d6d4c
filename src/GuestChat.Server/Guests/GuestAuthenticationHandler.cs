using System.Text.Encodings.Web;
using GuestChat.Server.Accounts;
using GuestChat.Server.Chats;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Guests;

/// <summary>Turns a <c>gc_guest</c> cookie whose hash names a live session into the guest of that chat.</summary>
internal sealed class GuestAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IChatStore chats)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!GuestSession.TryHash(Request.Cookies[GuestSession.CookieName], out var hash))
        {
            return AuthenticateResult.NoResult();
        }
        var chat = await chats.FindGuestSessionAsync(hash, Context.RequestAborted);
        return chat is { } id
            ? AuthenticateResult.Success(new AuthenticationTicket(Sessions.GuestPrincipal(id), Scheme.Name))
            : AuthenticateResult.NoResult();
    }
}
