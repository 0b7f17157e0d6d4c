using System.Globalization;
using System.Threading.RateLimiting;
using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Web;

/// <summary>
/// The named HTTP rate-limit policies, each bound to its rule in <see cref="RateLimitOptions"/>
/// (<c>GuestChat:RateLimits:*</c>). Sends on sockets are limited by <see cref="Realtime.SendBudget"/> and
/// sign-ins per username by <see cref="SignInThrottle"/>, from the same options.
/// </summary>
public static class RateLimits
{
    public const string AccountCreation = "account-creation";
    public const string SignIn = "sign-in";
    public const string InvitationCreation = "invitation-creation";
    public const string InvitationLookup = "invitation-lookup";
    public const string Claim = "claim";

    public static IServiceCollection AddGuestChatRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(options =>
        {
            options.OnRejected = (context, _) => RejectAsync(context.HttpContext, context.Lease);
            AddPolicy(options, AccountCreation, o => o.AccountCreationPerAddress, ByAddress);
            AddPolicy(options, SignIn, o => o.SignInPerAddress, ByAddress);
            AddPolicy(options, InvitationCreation, o => o.InvitationCreationPerMember, ByMember);
            AddPolicy(options, InvitationLookup, o => o.InvitationLookupPerAddress, ByAddress);
            AddPolicy(options, Claim, o => o.ClaimPerAddress, ByAddress);
        });
        return services;
    }

    /// <summary>Answers 429 <c>rate-limited</c> with <c>Retry-After</c> when the limiter says when.</summary>
    public static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease)
    {
        SetRetryAfter(context, lease);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var problem = new ProblemDetails { Status = 429, Title = "Too many requests; try again later." };
        problem.Extensions[Problems.CodeKey] = ErrorCodes.RateLimited;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    public static void SetRetryAfter(HttpContext context, RateLimitLease lease)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static void AddPolicy(
        RateLimiterOptions options, string name, Func<RateLimitOptions, RateLimitRule> rule, Func<HttpContext, string> partition) =>
        options.AddPolicy(name, context =>
        {
            var chosen = rule(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
            return RateLimitPartition.GetFixedWindowLimiter(partition(context), _ => Window(chosen));
        });

    public static FixedWindowRateLimiterOptions Window(RateLimitRule rule) => new()
    {
        PermitLimit = rule.PermitLimit,
        Window = rule.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static string ByAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string ByMember(HttpContext context) =>
        context.User.TryGetMemberId(out var member) ? member.Value : ByAddress(context);
}
