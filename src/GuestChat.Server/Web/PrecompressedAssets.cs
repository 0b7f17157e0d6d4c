using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace GuestChat.Server.Web;

/// <summary>
/// Serves <c>/assets/name.js</c> as the <c>name.js.br</c> or <c>name.js.gz</c> that the web build writes beside it,
/// with its <c>Content-Encoding</c>, when the browser accepts that encoding: compressed once at build time at the
/// highest levels, instead of on every response or not at all. Responses for an asset with such a file name
/// <c>Vary: Accept-Encoding</c>; a browser that accepts neither gets the file itself.
/// </summary>
public static class PrecompressedAssets
{
    private const string OriginalTypeKey = "GuestChat.PrecompressedAssets.ContentType";
    private static readonly (string Encoding, string Extension)[] s_encodings = [("br", ".br"), ("gzip", ".gz")];
    private static readonly FileExtensionContentTypeProvider s_types = new();

    /// <summary>Rewrites an accepted request to its compressed file; <see cref="Configure"/> labels the response.</summary>
    public static IApplicationBuilder UsePrecompressedAssets(this IApplicationBuilder app, IFileProvider files) => app.Use((context, next) =>
    {
        var request = context.Request;
        if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.StartsWithSegments("/assets")
            && request.Path.Value is { } path && s_types.TryGetContentType(path, out var contentType))
        {
            var accepted = request.GetTypedHeaders().AcceptEncoding;
            var varies = false;
            foreach (var (encoding, extension) in s_encodings)
            {
                if (!files.GetFileInfo(path + extension).Exists)
                {
                    continue;
                }
                varies = true;
                if (accepted.Any(value => value.Quality != 0 && string.Equals(value.Value.Value, encoding, StringComparison.OrdinalIgnoreCase)))
                {
                    request.Path = path + extension;
                    context.Items[OriginalTypeKey] = contentType;
                    context.Response.Headers.ContentEncoding = encoding;
                    break;
                }
            }
            if (varies)
            {
                context.Response.Headers.Vary = HeaderNames.AcceptEncoding;
            }
        }
        return next(context);
    });

    /// <summary>Compressed files are served as such when asked for by name; rewritten ones carry the original type.</summary>
    public static StaticFileOptions Configure(StaticFileOptions options)
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".br"] = "application/octet-stream";
        types.Mappings[".gz"] = "application/gzip";
        options.ContentTypeProvider = types;
        var prepare = options.OnPrepareResponse;
        options.OnPrepareResponse = context =>
        {
            if (context.Context.Items.TryGetValue(OriginalTypeKey, out var type) && type is string original)
            {
                context.Context.Response.ContentType = original;
            }
            prepare(context);
        };
        return options;
    }
}
