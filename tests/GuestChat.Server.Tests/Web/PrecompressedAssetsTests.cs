using System.Net;
using System.Text;

namespace GuestChat.Server.Tests.Web;

/// <summary>Assets compressed at build time are sent to the browsers that accept them, labelled as what they hold.</summary>
public sealed class PrecompressedAssetsTests : IAsyncLifetime
{
    private static readonly byte[] s_script = Encoding.UTF8.GetBytes("console.log('guest');");
    private static readonly byte[] s_brotli = [0x0b, 0x01, 0x80, 0x62, 0x72];
    private static readonly byte[] s_gzip = [0x1f, 0x8b, 0x08, 0x00, 0x67];
    private readonly DirectoryInfo _webRoot = Directory.CreateTempSubdirectory("guestchat-web-");
    private GuestChatHost _host = null!;

    public async Task InitializeAsync()
    {
        var assets = Directory.CreateDirectory(Path.Combine(_webRoot.FullName, "assets")).FullName;
        await File.WriteAllTextAsync(Path.Combine(_webRoot.FullName, "index.html"), "<!doctype html><title>member app</title>");
        await File.WriteAllBytesAsync(Path.Combine(assets, "guest-1a2b.js"), s_script);
        await File.WriteAllBytesAsync(Path.Combine(assets, "guest-1a2b.js.br"), s_brotli);
        await File.WriteAllBytesAsync(Path.Combine(assets, "guest-1a2b.js.gz"), s_gzip);
        await File.WriteAllTextAsync(Path.Combine(assets, "plain-3c4d.css"), "body{margin:0}");
        _host = await GuestChatHost.StartAsync(new GuestChatHostOptions { WebRoot = _webRoot.FullName, RelaxRateLimits = true });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _webRoot.Delete(recursive: true);
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> GetAsync(string path, string? acceptEncoding)
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null) request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        var response = await client.Http.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("gzip, deflate, br, zstd", "br")]
    [InlineData("br;q=1.0, gzip;q=0.8", "br")]
    [InlineData("gzip", "gzip")]
    [InlineData("br;q=0, gzip", "gzip")]
    public async Task ABrowserThatAcceptsAnEncodingGetsTheCompressedFile(string acceptEncoding, string expected)
    {
        var (response, body) = await GetAsync("/assets/guest-1a2b.js", acceptEncoding);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([expected], response.Content.Headers.ContentEncoding);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expected == "br" ? s_brotli : s_gzip, body);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            Assert.Equal(TimeSpan.FromDays(365), response.Headers.CacheControl?.MaxAge);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("identity")]
    [InlineData("br;q=0, gzip;q=0")]
    public async Task ABrowserThatAcceptsNeitherGetsTheFileItself(string? acceptEncoding)
    {
        var (response, body) = await GetAsync("/assets/guest-1a2b.js", acceptEncoding);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(s_script, body);
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
        }
    }

    [Fact]
    public async Task AnAssetWithoutCompressedFilesIsServedAsBefore()
    {
        var (response, body) = await GetAsync("/assets/plain-3c4d.css", "gzip, br");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("body{margin:0}", Encoding.UTF8.GetString(body));
            Assert.Empty(response.Headers.Vary);
        }
    }

    [Fact]
    public async Task ACompressedFileAskedForByNameIsNotLabelledAsItsContent()
    {
        var (response, body) = await GetAsync("/assets/guest-1a2b.js.br", "br");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(s_brotli, body);
        }
    }
}
