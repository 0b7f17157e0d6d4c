using System.Security.Cryptography;
using GuestChat.Protocol;

namespace GuestChat.Server.Guests;

/// <summary>
/// The guest's cookie <c>gc_guest</c>: 256 random bits, HttpOnly, SameSite=Strict, Secure over HTTPS. The server
/// stores only the SHA-256 of the token, so a copy of the database cannot be used to act as a guest.
/// </summary>
public static class GuestSession
{
    public const string CookieName = "gc_guest";
    private const int TokenBytes = 32;

    /// <summary>Draws a token: the cookie value to hand out and the hash to store.</summary>
    public static (string CookieValue, byte[] Hash) NewToken()
    {
        Span<byte> token = stackalloc byte[TokenBytes];
        RandomNumberGenerator.Fill(token);
        var value = Base64UrlText.Encode(token);
        var hash = SHA256.HashData(token);
        CryptographicOperations.ZeroMemory(token);
        return (value, hash);
    }

    /// <summary>Sets the cookie; a later claim in the same browser replaces it.</summary>
    public static void SetCookie(HttpResponse response, string cookieValue) =>
        response.Cookies.Append(CookieName, cookieValue, Options(response.HttpContext.Request, TimeSpan.FromDays(400)));

    public static void Delete(HttpResponse response) =>
        response.Cookies.Delete(CookieName, Options(response.HttpContext.Request, null));

    /// <summary>The stored hash for a cookie value; false when the value cannot be a token.</summary>
    public static bool TryHash(string? cookie, out byte[] hash)
    {
        hash = [];
        if (cookie is null || cookie.Length != 43 || !Base64UrlText.TryDecode(cookie, out var token) || token.Length != TokenBytes)
        {
            return false;
        }
        hash = SHA256.HashData(token);
        CryptographicOperations.ZeroMemory(token);
        return true;
    }

    private static CookieOptions Options(HttpRequest request, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
        MaxAge = maxAge,
    };
}
