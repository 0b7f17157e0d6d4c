using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using GuestChat.Protocol;
using GuestChat.Server.Guests;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GuestChat.Server.Accounts;

/// <summary>
/// The two kinds of session. A member signs in with a cookie (<c>gc_member</c>, ASP.NET Core cookie
/// authentication); a guest holds <c>gc_guest</c>, a random token the server keeps only as a hash. Each endpoint
/// accepts exactly one kind, through its policy.
/// </summary>
public static class Sessions
{
    public const string MemberScheme = "Member";
    public const string GuestScheme = "Guest";
    public const string MemberPolicy = "member";
    public const string GuestPolicy = "guest";
    public const string MemberCookie = "gc_member";
    private const string ChatClaim = "guestchat:chat";

    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        // No default scheme: each endpoint's policy authenticates only its own kind of session, so a request (and
        // a socket, for its whole life) carries one authentication handler, not two.
        services.AddAuthentication()
            .AddCookie(MemberScheme, options =>
            {
                options.Cookie.Name = MemberCookie;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(30);
                options.SlidingExpiration = true;
                // An API answers 401/403; it never redirects to a login page.
                options.Events.OnRedirectToLogin = context => Status(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => Status(context, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, GuestAuthenticationHandler>(GuestScheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(MemberPolicy, policy => policy.AddAuthenticationSchemes(MemberScheme).RequireAuthenticatedUser())
            .AddPolicy(GuestPolicy, policy => policy.AddAuthenticationSchemes(GuestScheme).RequireAuthenticatedUser());
        return services;
    }

    public static Task SignInMemberAsync(HttpContext context, MemberId member) =>
        context.SignInAsync(MemberScheme,
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, member.Value)], MemberScheme)),
            new AuthenticationProperties { IsPersistent = true });

    public static Task SignOutMemberAsync(HttpContext context) => context.SignOutAsync(MemberScheme);

    public static ClaimsPrincipal GuestPrincipal(ChatId chat) =>
        new(new ClaimsIdentity([new Claim(ChatClaim, chat.Value)], GuestScheme));

    public static bool TryGetMemberId(this ClaimsPrincipal user, out MemberId member)
    {
        member = default;
        return user.Identity is { IsAuthenticated: true, AuthenticationType: MemberScheme }
            && MemberId.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out member);
    }

    /// <summary>The signed-in member; only for endpoints behind <see cref="MemberPolicy"/>.</summary>
    public static MemberId GetMemberId(this ClaimsPrincipal user) =>
        TryGetMemberId(user, out var member) ? member : throw new InvalidOperationException("No member session.");

    /// <summary>The guest's chat; only for endpoints behind <see cref="GuestPolicy"/>.</summary>
    public static ChatId GuestChatId(this ClaimsPrincipal user) =>
        ChatId.TryParse(user.FindFirstValue(ChatClaim), out var chat) ? chat : throw new InvalidOperationException("No guest session.");

    [SuppressMessage("Style", "IDE0060", Justification = "Signature required by the cookie events.")]
    private static Task Status<T>(RedirectContext<T> context, int status) where T : AuthenticationSchemeOptions
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
