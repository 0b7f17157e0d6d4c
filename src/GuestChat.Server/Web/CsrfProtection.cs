using GuestChat.Protocol;
using GuestChat.Server.Configuration;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Web;

/// <summary>
/// Every request that is not GET or HEAD must carry <c>X-GuestChat: 1</c> (a header a cross-site page cannot
/// add without a CORS preflight, which is never granted) and, if it has an <c>Origin</c>, our own origin.
/// </summary>
public sealed class CsrfProtection(RequestDelegate next, IOptions<WebOptions> web)
{
    public const string HeaderName = "X-GuestChat";

    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)
            || (context.Request.Headers[HeaderName] == "1" && Origins.IsAllowed(context, web.Value, required: false)))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        var problem = new ProblemDetails
        {
            Status = 403,
            Title = "Cross-site request refused.",
            Detail = $"Requests other than GET need the header '{HeaderName}: 1' and, if they carry an Origin, this site's own.",
        };
        problem.Extensions[Problems.CodeKey] = ErrorCodes.Csrf;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
