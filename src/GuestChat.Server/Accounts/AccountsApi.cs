using System.Text.RegularExpressions;
using GuestChat.Protocol;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace GuestChat.Server.Accounts;

/// <summary>Create account, sign in, sign out, current member.</summary>
public static partial class AccountsApi
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/accounts", CreateAsync).RequireRateLimiting(RateLimits.AccountCreation);
        app.MapPost("/api/session", SignInAsync).RequireRateLimiting(RateLimits.SignIn);
        app.MapDelete("/api/session", (Delegate)SignOutAsync);
        app.MapGet("/api/me", MeAsync).RequireAuthorization(Sessions.MemberPolicy);
        return app;
    }

    private static async Task<Results<Created<Member>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateAccountRequest request, HttpContext context, IAccountStore accounts, IPasswordHasher<MemberRecord> hasher,
        TimeProvider clock, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var username = request.Username.ToLowerInvariant();
        var displayName = request.DisplayName.Trim();
        var errors = new FieldErrors();
        if (!UsernamePattern().IsMatch(username))
        {
            errors.Add("username", $"Use {Limits.UsernameMinLength} to {Limits.UsernameMaxLength} of a-z, 0-9, _ and '.'.");
        }
        if (displayName.Length == 0 || TextRules.VisibleLength(displayName) > Limits.MemberNameMaxLength || TextRules.HasControl(displayName))
        {
            errors.Add("displayName", $"Use 1 to {Limits.MemberNameMaxLength} characters, without control characters.");
        }
        if (request.Password.Length is < Limits.PasswordMinLength or > Limits.PasswordMaxLength)
        {
            errors.Add("password", $"Use {Limits.PasswordMinLength} to {Limits.PasswordMaxLength} characters.");
        }
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var id = MemberId.New();
        var draft = new MemberRecord(id, username, displayName, "", clock.GetUtcNow().ToUnixTimeMilliseconds());
        var member = draft with { PasswordHash = hasher.HashPassword(draft, request.Password) };
        if (!await accounts.TryCreateAsync(member, cancellationToken))
        {
            return Problems.Conflict(ErrorCodes.UsernameTaken, "This username is taken.");
        }
        await Sessions.SignInMemberAsync(context, id);
        LogAccountCreated(logs.CreateLogger(typeof(AccountsApi)), id);
        return TypedResults.Created("/api/me", ToWire(member));
    }

    private static async Task<Results<Ok<Member>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext context, IAccountStore accounts, IPasswordHasher<MemberRecord> hasher,
        SignInThrottle throttle, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var username = request.Username.ToLowerInvariant();
        using (var lease = throttle.Attempt(username))
        {
            if (!lease.IsAcquired)
            {
                RateLimits.SetRetryAfter(context, lease);
                return Problems.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many sign-in attempts; try again later.");
            }
        }
        var member = username.Length <= Limits.UsernameMaxLength ? await accounts.FindByUsernameAsync(username, cancellationToken) : null;
        // Hash even for an unknown username, so the answer takes as long either way.
        var verified = member is not null
            ? hasher.VerifyHashedPassword(member, member.PasswordHash, request.Password) != PasswordVerificationResult.Failed
            : hasher.VerifyHashedPassword(Placeholder.Member, Placeholder.Hash(hasher), request.Password) == PasswordVerificationResult.Failed;
        if (member is null || !verified)
        {
            LogSignInFailed(logs.CreateLogger(typeof(AccountsApi)));
            return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "The username or password is wrong.");
        }
        await Sessions.SignInMemberAsync(context, member.Id);
        LogSignedIn(logs.CreateLogger(typeof(AccountsApi)), member.Id);
        return TypedResults.Ok(ToWire(member));
    }

    private static async Task<NoContent> SignOutAsync(HttpContext context)
    {
        await Sessions.SignOutMemberAsync(context);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Member>, ProblemHttpResult>> MeAsync(
        HttpContext context, IAccountStore accounts, CancellationToken cancellationToken)
    {
        var member = await accounts.FindAsync(context.User.GetMemberId(), cancellationToken);
        return member is null
            ? Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.NotSignedIn, "Not signed in.")
            : TypedResults.Ok(ToWire(member));
    }

    private static Member ToWire(MemberRecord member) => new(member.Id, member.Username, member.DisplayName);

    [GeneratedRegex("^[a-z0-9_.]{3,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsernamePattern();

    /// <summary>A hash to verify against when the username is unknown.</summary>
    private static class Placeholder
    {
        public static readonly MemberRecord Member = new(MemberId.New(), "", "", "", 0);
        private static string? _hash;

        public static string Hash(IPasswordHasher<MemberRecord> hasher) =>
            _hash ??= hasher.HashPassword(Member, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
    }

    [LoggerMessage(1, LogLevel.Information, "Member {MemberId} created an account")]
    private static partial void LogAccountCreated(ILogger logger, MemberId memberId);

    [LoggerMessage(2, LogLevel.Information, "Member {MemberId} signed in")]
    private static partial void LogSignedIn(ILogger logger, MemberId memberId);

    [LoggerMessage(3, LogLevel.Information, "A sign-in failed")]
    private static partial void LogSignInFailed(ILogger logger);
}
