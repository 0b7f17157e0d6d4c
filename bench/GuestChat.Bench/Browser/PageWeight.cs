using System.IO.Compression;
using System.Text.RegularExpressions;

namespace GuestChat.Bench.Browser;

/// <summary>Bytes of JavaScript and CSS, raw and gzipped at level 9 (zlib's smallest size), as a first visit downloads them.</summary>
public sealed partial record PageWeight(int Count, long RawBytes, long GzipBytes)
{
    /// <summary>The scripts, stylesheets and module preloads referenced by the guest page's HTML as the server serves it.</summary>
    public static async Task<PageWeight> OfGuestPageAsync(HttpClient http, string pageUrl, CancellationToken cancellationToken)
    {
        var html = await http.GetStringAsync(new Uri(pageUrl), cancellationToken);
        var assets = new List<string>();
        foreach (Match tag in AssetTags().Matches(html))
        {
            var element = tag.Value;
            var source = Attribute(element, "src") ?? Attribute(element, "href");
            if (source is null) continue;
            var isLink = element.StartsWith("<link", StringComparison.OrdinalIgnoreCase);
            var rel = Attribute(element, "rel") ?? "";
            if (isLink && rel is not ("stylesheet" or "modulepreload")) continue;
            assets.Add(new Uri(new Uri(pageUrl), source).ToString());
        }
        return await OfAssetsAsync(http, assets, cancellationToken);
    }

    public static async Task<PageWeight> OfAssetsAsync(HttpClient http, IEnumerable<string> urls, CancellationToken cancellationToken)
    {
        long raw = 0, gzip = 0;
        var distinct = urls.Distinct(StringComparer.Ordinal).ToList();
        foreach (var url in distinct)
        {
            var bytes = await http.GetByteArrayAsync(new Uri(url), cancellationToken);
            raw += bytes.Length;
            gzip += GzipLength(bytes);
        }
        return new PageWeight(distinct.Count, raw, gzip);
    }

    private static long GzipLength(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true)) gzip.Write(bytes);
        return compressed.Length;
    }

    private static string? Attribute(string element, string name)
    {
        var match = Regex.Match(element, $"""\s{name}\s*=\s*["']([^"']*)["']""", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("""<(script|link)\b[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex AssetTags();
}
