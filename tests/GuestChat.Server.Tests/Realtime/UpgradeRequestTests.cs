using System.Buffers;
using System.Text;
using GuestChat.Server.Realtime;

namespace GuestChat.Server.Tests.Realtime;

/// <summary>
/// The strict reading of a WebSocket upgrade's head at the start of a connection: what it takes over, and that
/// everything else is left to Kestrel's HTTP path (<see cref="HeadStatus.NotAnUpgrade"/>).
/// </summary>
public sealed class UpgradeRequestTests
{
    private static readonly DeviceId Device = DeviceId.New();

    /// <summary>What Chromium sends to open the member's socket (its headers, in its order).</summary>
    private static string MemberHead(string? replace = null, string? with = null)
    {
        var head = $"GET /ws/member?device={Device} HTTP/1.1\r\n"
            + "Host: 127.0.0.1:5080\r\n"
            + "Connection: Upgrade\r\n"
            + "Pragma: no-cache\r\n"
            + "Cache-Control: no-cache\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36\r\n"
            + "Upgrade: websocket\r\n"
            + "Origin: http://127.0.0.1:5080\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Cookie: gc_member=CfDJ8abc-_def; other=1\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "\r\n";
        return replace is null ? head : head.Replace(replace, with, StringComparison.Ordinal);
    }

    private static HeadStatus Read(string head, out UpgradeRequest? request) =>
        Read(Encoding.Latin1.GetBytes(head), out request, out _);

    private static HeadStatus Read(byte[] bytes, out UpgradeRequest? request, out long headLength)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        var status = UpgradeRequest.TryRead(buffer, out request, out var end);
        headLength = buffer.Slice(0, end).Length;
        return status;
    }

    [Fact]
    public void ABrowsersMemberUpgradeIsReadWithItsDeviceOriginAndCookies()
    {
        Assert.Equal(HeadStatus.Upgrade, Read(MemberHead(), out var request));

        Assert.True(request!.IsMember);
        Assert.Equal(Device, request.Device);
        Assert.Equal("127.0.0.1:5080", request.Host);
        Assert.Equal("http://127.0.0.1:5080", request.Origin);
        Assert.Equal("gc_member=CfDJ8abc-_def; other=1", request.Cookie);
        Assert.False(request.Forwarded);
    }

    [Fact]
    public void AGuestUpgradeIsRead()
    {
        Assert.Equal(HeadStatus.Upgrade, Read(MemberHead($"/ws/member?device={Device}", "/ws/guest"), out var request));
        Assert.False(request!.IsMember);
        Assert.Equal(default, request.Device);
    }

    [Fact]
    public void TheAcceptKeyIsTheOneOfRfc6455()
    {
        Read(MemberHead(), out var request);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", request!.AcceptKey()); // RFC 6455, section 1.3
    }

    [Fact]
    public void TheHeadEndsAtItsBlankLineAndBytesAfterItAreLeftForTheSocket()
    {
        var head = Encoding.ASCII.GetBytes(MemberHead());
        byte[] frame = [0x81, 0x80, 1, 2, 3, 4];

        Assert.Equal(HeadStatus.Upgrade, Read([.. head, .. frame], out _, out var length));
        Assert.Equal(head.Length, length);
    }

    [Fact]
    public void EveryStartOfAnUpgradeIsIncompleteUntilItsBlankLine()
    {
        var head = Encoding.ASCII.GetBytes(MemberHead());
        for (var length = 1; length < head.Length; length++)
        {
            Assert.Equal(HeadStatus.Incomplete, Read(head[..length], out var request, out _));
            Assert.Null(request);
        }
    }

    [Theory]
    [InlineData("Connection: Upgrade", "Connection: keep-alive, Upgrade")]
    [InlineData("Upgrade: websocket", "upgrade:   WebSocket  ")]
    [InlineData("Origin: http://127.0.0.1:5080", "ORIGIN: http://127.0.0.1:5080")]
    [InlineData("Cookie: gc_member=CfDJ8abc-_def; other=1\r\n", "")]
    public void HeaderNamesAndTokensAreCaseInsensitiveAndCookiesMayBeAbsent(string replace, string with)
    {
        Assert.Equal(HeadStatus.Upgrade, Read(MemberHead(replace, with), out _));
    }

    [Theory]
    [InlineData("GET ", "POST ")]
    [InlineData("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost")]
    [InlineData("/ws/member?device=", "/WS/member?device=")]
    [InlineData("/ws/member?device=", "/ws/member?x=1&device=")]
    [InlineData("/ws/member?device=", "/ws/member?device=%41")]
    [InlineData("/ws/member?device=", "/ws/member?device=x")]
    [InlineData("/ws/member?device=", "/ws/guest?device=")]
    [InlineData("/ws/member?device=", "http://127.0.0.1:5080/ws/member?device=")]
    [InlineData("Host: 127.0.0.1:5080\r\n", "")]
    [InlineData("Host: 127.0.0.1:5080", "Host: a b")]
    [InlineData("Host: 127.0.0.1:5080", "Host: 127.0.0.1:5080\r\nHost: evil.example")]
    [InlineData("Origin: http://127.0.0.1:5080\r\n", "")]
    [InlineData("Origin: http://127.0.0.1:5080", "Origin: http://127.0.0.1:5080\r\nOrigin: https://evil.example")]
    [InlineData("Upgrade: websocket", "Upgrade: h2c")]
    [InlineData("Connection: Upgrade", "Connection: keep-alive")]
    [InlineData("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ==dGhl")]
    [InlineData("Cookie: gc_member", "Cookie: a=1\r\nCookie: gc_member")]
    [InlineData("Pragma: no-cache", "Content-Length: 5")]
    [InlineData("Pragma: no-cache", "Transfer-Encoding: chunked")]
    [InlineData("Pragma: no-cache", "Expect: 100-continue")]
    [InlineData("Pragma: no-cache", "Sec-WebSocket-Protocol: chat")]
    [InlineData("Pragma: no-cache", "Pragma: no-cache\r\n folded: line")]
    [InlineData("Pragma: no-cache", "Pragma no-cache")]
    [InlineData("Pragma: no-cache", "Pra gma: no-cache")]
    [InlineData("Pragma: no-cache", "Pragma: no\ncache")]
    [InlineData("Pragma: no-cache", "Pragma: no\rcache")]
    [InlineData("Pragma: no-cache", "Pragma: no\0cache")]
    [InlineData("gc_member=CfDJ8abc", "gc_member=Cf\u00e9DJ8abc")]
    public void AnythingElseIsLeftToTheHttpPath(string replace, string with)
    {
        Assert.Equal(HeadStatus.NotAnUpgrade, Read(MemberHead(replace, with), out var request));
        Assert.Null(request);
    }

    [Theory]
    [InlineData("PRI * HTTP/2.0\r\n")]
    [InlineData("\u0016\u0003\u0001\u0002")] // a TLS ClientHello
    [InlineData("POST")]
    [InlineData("get ")]
    [InlineData("GET /api/chats HTTP/1.1\r\nHost: 127.0.0.1")]
    [InlineData("GET /i/")]
    [InlineData("GET /wss")]
    public void ABeginningThatCannotBeASocketsGetIsLeftToTheHttpPathAtOnce(string start)
    {
        Assert.Equal(HeadStatus.NotAnUpgrade, Read(start, out _));
    }

    [Fact]
    public void AHeadLongerThanTheLimitIsLeftToTheHttpPath()
    {
        var cookie = new string('a', UpgradeRequest.MaxHeadBytes);
        Assert.Equal(HeadStatus.NotAnUpgrade, Read(MemberHead("other=1", "other=" + cookie), out _));
        // and an unfinished one that long is not waited for
        var start = MemberHead("other=1", "other=" + cookie);
        Assert.Equal(HeadStatus.NotAnUpgrade, Read(start[..(UpgradeRequest.MaxHeadBytes + 10)], out _));
    }

    [Theory]
    [InlineData("X-Forwarded-Proto: https")]
    [InlineData("X-Forwarded-Host: chat.example.org")]
    [InlineData("Forwarded: proto=https")]
    public void AProxysForwardingHeadersAreNoticed(string header)
    {
        Assert.Equal(HeadStatus.Upgrade, Read(MemberHead("Pragma: no-cache", header), out var request));
        Assert.True(request!.Forwarded);
    }
}
