namespace GuestChat.Server.Configuration;

/// <summary>
/// Every rate limit of GuestChat, named in one place (<c>GuestChat:RateLimits:{Name}:PermitLimit</c> and
/// <c>GuestChat:RateLimits:{Name}:Window</c>). A limit allows <see cref="RateLimitRule.PermitLimit"/> requests per
/// <see cref="RateLimitRule.Window"/>; more are answered 429 <c>rate-limited</c> (or an <c>error</c> frame).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary><c>POST /api/accounts</c>, per client address.</summary>
    public RateLimitRule AccountCreationPerAddress { get; set; } = new(10, TimeSpan.FromHours(1));

    /// <summary><c>POST /api/session</c>, per client address.</summary>
    public RateLimitRule SignInPerAddress { get; set; } = new(30, TimeSpan.FromMinutes(5));

    /// <summary><c>POST /api/session</c>, per username (whether or not it exists).</summary>
    public RateLimitRule SignInPerUsername { get; set; } = new(10, TimeSpan.FromMinutes(15));

    /// <summary><c>POST /api/invitations</c>, per member.</summary>
    public RateLimitRule InvitationCreationPerMember { get; set; } = new(30, TimeSpan.FromHours(1));

    /// <summary><c>GET /api/invitations/{id}/public</c>, per client address: ids cannot be guessed by volume.</summary>
    public RateLimitRule InvitationLookupPerAddress { get; set; } = new(60, TimeSpan.FromMinutes(1));

    /// <summary><c>POST /api/invitations/{id}/claim</c>, per client address.</summary>
    public RateLimitRule ClaimPerAddress { get; set; } = new(10, TimeSpan.FromMinutes(10));

    /// <summary>WebSocket <c>send</c> frames (stored and ephemeral), per socket, as a token bucket.</summary>
    public RateLimitRule SendsPerSocket { get; set; } = new(100, TimeSpan.FromSeconds(10));

    /// <summary>Every rule with its configuration name, for validation.</summary>
    public IEnumerable<(string Name, RateLimitRule Rule)> All() =>
    [
        (nameof(AccountCreationPerAddress), AccountCreationPerAddress),
        (nameof(SignInPerAddress), SignInPerAddress),
        (nameof(SignInPerUsername), SignInPerUsername),
        (nameof(InvitationCreationPerMember), InvitationCreationPerMember),
        (nameof(InvitationLookupPerAddress), InvitationLookupPerAddress),
        (nameof(ClaimPerAddress), ClaimPerAddress),
        (nameof(SendsPerSocket), SendsPerSocket),
    ];
}

/// <summary><see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class RateLimitRule
{
    public RateLimitRule()
    {
    }

    public RateLimitRule(int permitLimit, TimeSpan window)
    {
        PermitLimit = permitLimit;
        Window = window;
    }

    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
