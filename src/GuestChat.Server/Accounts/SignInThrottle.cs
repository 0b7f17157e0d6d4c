using System.Threading.RateLimiting;
using GuestChat.Server.Configuration;
using GuestChat.Server.Web;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Accounts;

/// <summary>
/// Limits sign-in attempts per username (<c>GuestChat:RateLimits:SignInPerUsername</c>), whether or not the
/// account exists; the per-address limit is the <see cref="RateLimits.SignIn"/> policy. The username is in the
/// body, so this runs in the handler, before any password hashing.
/// </summary>
public sealed class SignInThrottle(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        username => RateLimitPartition.GetFixedWindowLimiter(username, _ => RateLimits.Window(options.Value.SignInPerUsername)));

    public RateLimitLease Attempt(string username) => _limiter.AttemptAcquire(username);

    public void Dispose() => _limiter.Dispose();
}
