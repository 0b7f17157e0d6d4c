using GuestChat.Server.Configuration;

namespace GuestChat.Server.Web;

/// <summary>The origins a browser request may come from: the server's own, and the configured public base URL's.</summary>
public static class Origins
{
    /// <summary>True when <c>Origin</c> is allowed; a missing header passes only when <paramref name="required"/> is false.</summary>
    public static bool IsAllowed(HttpContext context, WebOptions web, bool required)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return !required;
        }
        return Matches(origin, $"{context.Request.Scheme}://{context.Request.Host.Value}", web);
    }

    /// <summary>True when <paramref name="origin"/> is <paramref name="own"/> (if given) or the configured public origin.</summary>
    public static bool Matches(string origin, string? own, WebOptions web) =>
        (own is not null && string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
        || (web.PublicOrigin is { } publicOrigin && string.Equals(origin, publicOrigin, StringComparison.OrdinalIgnoreCase));
}
