using GuestChat.Protocol;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuestChat.Server.Web;

/// <summary>Every error is <c>application/problem+json</c> with a stable <c>code</c> (docs/protocol.md).</summary>
public static class Problems
{
    public const string CodeKey = "code";

    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail,
            extensions: new Dictionary<string, object?> { [CodeKey] = code });

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.",
            extensions: new Dictionary<string, object?> { [CodeKey] = ErrorCodes.Validation });

    public static ProblemHttpResult NotFound(string code, string title) => Create(StatusCodes.Status404NotFound, code, title);

    public static ProblemHttpResult Conflict(string code, string title) => Create(StatusCodes.Status409Conflict, code, title);

    public static ProblemHttpResult Unavailable() =>
        Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The server cannot do this right now; try again.");

    /// <summary>The code of a problem the framework made without one (an unknown route, a 405, a challenge).</summary>
    public static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorCodes.Validation,
        StatusCodes.Status401Unauthorized => ErrorCodes.NotSignedIn,
        StatusCodes.Status403Forbidden => ErrorCodes.Csrf,
        StatusCodes.Status404NotFound => ErrorCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ErrorCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ErrorCodes.BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => ErrorCodes.RateLimited,
        StatusCodes.Status503ServiceUnavailable => ErrorCodes.Unavailable,
        _ when status >= 500 => ErrorCodes.Internal,
        _ => $"http-{status}",
    };
}
