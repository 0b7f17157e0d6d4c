using GuestChat.Protocol;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuestChat.Server.Storage;

/// <summary><c>GET /healthz</c>: 200 <c>ok</c> when the database answers, 503 otherwise.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async Task<Results<ContentHttpResult, ProblemHttpResult>> (IStorageHealth storage, CancellationToken cancellationToken) =>
            await storage.CanServeAsync(cancellationToken)
                ? TypedResults.Text("ok", "text/plain")
                : Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The database does not answer."));
        return app;
    }
}
