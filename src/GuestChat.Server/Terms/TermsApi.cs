using System.Net;
using System.Text;
using GuestChat.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuestChat.Server.Terms;

/// <summary><c>GET /terms</c> (an HTML page, the text rendered as text) and <c>GET /api/terms</c>.</summary>
public static class TermsApi
{
    public static IEndpointRouteBuilder MapTerms(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/terms", (TermsProvider terms) =>
        {
            var current = terms.Current;
            return TypedResults.Ok(new TermsOfService(current.Version, current.Text));
        });
        app.MapGet("/terms", (TermsProvider terms, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Page(terms.Current);
        });
        return app;
    }

    private static ContentHttpResult Page(TermsDocument terms)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Terms of Service · GuestChat</title>\n</head>\n<body>\n<main>\n<h1>Terms of Service</h1>\n");
        foreach (var paragraph in terms.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var lines = paragraph.Split('\n').Select(WebUtility.HtmlEncode);
            html.Append("<p>").AppendJoin("<br>\n", lines).Append("</p>\n");
        }
        html.Append("<p><small>Version ").Append(WebUtility.HtmlEncode(terms.Version)).Append("</small></p>\n")
            .Append("</main>\n</body>\n</html>\n");
        return TypedResults.Content(html.ToString(), "text/html; charset=utf-8");
    }
}
