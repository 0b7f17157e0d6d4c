namespace GuestChat.Server.Configuration;

/// <summary>What the server serves besides the API (<c>GuestChat:PublicBaseUrl</c>, <c>GuestChat:WebRoot</c>, <c>GuestChat:TermsFile</c>).</summary>
public sealed class WebOptions
{
    /// <summary>
    /// The address people reach GuestChat at (e.g. <c>https://chat.example.org</c>) when it differs from the
    /// address the server sees (behind a reverse proxy). Its origin is accepted in <c>Origin</c> headers.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The built web app (Vite's <c>web/dist</c>); defaults to <c>wwwroot</c> next to the server binary.</summary>
    public string WebRoot { get; set; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    /// <summary>The terms of service text; defaults to the text shipped with the server.</summary>
    public string TermsFile { get; set; } = Path.Combine(AppContext.BaseDirectory, "terms-of-service.txt");

    /// <summary>The origin (<c>scheme://host[:port]</c>) of <see cref="PublicBaseUrl"/>, if set.</summary>
    public string? PublicOrigin =>
        Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}
