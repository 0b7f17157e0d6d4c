using GuestChat.Protocol;
using GuestChat.Server.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Web;

/// <summary>
/// Serves the built web app (<c>GuestChat:WebRoot</c>, Vite's output): hashed <c>/assets/*</c> cached for a year (and
/// brotli or gzip compressed at build time, <see cref="PrecompressedAssets"/>),
/// HTML never cached; <c>/i/{id}</c> is the guest page (<see cref="GuestPage"/>); other page paths are the member app.
/// </summary>
public static partial class WebAppFiles
{
    private const string MemberPage = "index.html";

    public static WebApplication UseWebAppFiles(this WebApplication app)
    {
        var root = WebRoot(app.Services);
        if (!Directory.Exists(root))
        {
            LogNoWebApp(app.Logger, root);
            return app;
        }
        var files = new PhysicalFileProvider(root);
        app.UsePrecompressedAssets(files);
        app.UseStaticFiles(PrecompressedAssets.Configure(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache",
        }));
        return app;
    }

    public static IEndpointRouteBuilder MapWebApp(this IEndpointRouteBuilder app)
    {
        var guestPage = GuestPage.Create(app.ServiceProvider);
        app.MapGet("/i/{id}", (string id, HttpContext context) => guestPage.ServeAsync(context, id, WebRoot(context.RequestServices)));
        // Like MapFallback (last in order, page paths without a file extension) but for GET and HEAD only, so that
        // another method on a known path is a 405. Unknown API paths are problems, never the app.
        app.MapMethods("{*path:nonfile}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
                context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/ws")
                    ? Problems.NotFound(ErrorCodes.NotFound, "There is no such API endpoint.")
                    : Page(context, MemberPage))
            .Add(endpoint => ((RouteEndpointBuilder)endpoint).Order = int.MaxValue);
        return app;
    }

    private static IResult Page(HttpContext context, string name)
    {
        var file = Path.Combine(WebRoot(context.RequestServices), name);
        if (!File.Exists(file))
        {
            return Problems.NotFound(ErrorCodes.NotFound, "The web app is not built (see docs/operations.md).");
        }
        context.Response.Headers.CacheControl = "no-cache";
        return TypedResults.PhysicalFile(file, "text/html; charset=utf-8");
    }

    private static string WebRoot(IServiceProvider services) =>
        Path.GetFullPath(services.GetRequiredService<IOptions<WebOptions>>().Value.WebRoot);

    [LoggerMessage(1, LogLevel.Warning, "No web app at {WebRoot}: only the API is served (build web/ or set GuestChat:WebRoot)")]
    private static partial void LogNoWebApp(ILogger logger, string webRoot);
}
