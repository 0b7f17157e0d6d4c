using System.Text.Json;
using System.Threading.Channels;
using GuestChat.Protocol;
using GuestChat.Server.Chats;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace GuestChat.Server.Web;

/// <summary>
/// Makes every failure a problem response: exceptions (malformed JSON, oversize bodies, wrong content types,
/// a stopped writer) map to a status and code in this one place, and empty error responses (unknown routes,
/// 405, a challenge) get a problem body with a code.
/// </summary>
public static partial class ProblemResponses
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd(Problems.CodeKey, Problems.CodeFor(status));
        });
        services.AddExceptionHandler<ExceptionToProblem>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    private sealed partial class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var problem = exception switch
            {
                BadHttpRequestException { InnerException: JsonException json } => Invalid(json),
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                    Problem(413, ErrorCodes.BodyTooLarge, "The request body is too large."),
                BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                    Problem(415, ErrorCodes.UnsupportedMediaType, "The request body must be application/json."),
                BadHttpRequestException bad => Problem(bad.StatusCode, Problems.CodeFor(bad.StatusCode), "The request is not valid."),
                ChatWriterStoppedException or ChannelClosedException =>
                    Problem(503, ErrorCodes.Unavailable, "The server cannot do this right now; try again."),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                    Problem(499, "client-closed", "The client closed the request."),
                _ => null,
            };
            if (problem is null)
            {
                LogUnexpected(exception, exception.GetType().Name);
                problem = Problem(500, ErrorCodes.Internal, "Something went wrong on the server.");
            }
            else
            {
                LogMapped(exception.GetType().Name, problem.Status ?? 0);
            }
            context.Response.StatusCode = problem.Status ?? 500;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }

        private static HttpValidationProblemDetails Invalid(JsonException json)
        {
            var field = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
            var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [Describe(json)] })
            {
                Status = 400,
                Title = "The request body is not valid JSON of the expected shape.",
            };
            problem.Extensions[Problems.CodeKey] = ErrorCodes.Validation;
            return problem;
        }

        // The framework's message names .NET types; say what a client can act on instead.
        private static string Describe(JsonException json)
        {
            const string Marker = "including: ";
            var including = json.Message.IndexOf(Marker, StringComparison.Ordinal);
            if (including >= 0)
            {
                var names = json.Message[(including + Marker.Length)..];
                var end = names.IndexOf(". ", StringComparison.Ordinal);
                return $"Required: {(end > 0 ? names[..end] : names.TrimEnd('.'))}.";
            }
            return json.Path is null or "$" ? "The body is not valid JSON." : "Missing, null or of the wrong type.";
        }

        private static ProblemDetails Problem(int status, string code, string title)
        {
            var problem = new ProblemDetails { Status = status, Title = title };
            problem.Extensions[Problems.CodeKey] = code;
            return problem;
        }

        [LoggerMessage(1, LogLevel.Error, "Unexpected {ExceptionType} while handling a request")]
        private partial void LogUnexpected(Exception exception, string exceptionType);

        [LoggerMessage(2, LogLevel.Debug, "{ExceptionType} answered with status {Status}")]
        private partial void LogMapped(string exceptionType, int status);
    }
}
