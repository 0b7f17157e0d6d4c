using System.Buffers;
using System.Text;
using GuestChat.Protocol;

namespace GuestChat.Server.Realtime;

/// <summary>
/// The head of a browser's WebSocket upgrade to <c>/ws/member?device=</c> or <c>/ws/guest</c>, read from the raw
/// bytes of a new connection by <see cref="ConnectionUpgrade"/>. The reading is strict on purpose: anything that is
/// not exactly such a request (another method, path or version, a body, a sub-protocol, a repeated or folded
/// header, a byte outside printable ASCII, a head over <see cref="MaxHeadBytes"/>) is <see cref="HeadStatus.NotAnUpgrade"/>,
/// and the connection goes to Kestrel's HTTP path unchanged, which answers it as it always has.
/// </summary>
public sealed class UpgradeRequest
{
    /// <summary>A browser's upgrade head with its cookies is well under 2 KB; a longer one takes the HTTP path.</summary>
    public const int MaxHeadBytes = 8_192;

    public const string MemberPath = "/ws/member";
    public const string GuestPath = "/ws/guest";

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    private static ReadOnlySpan<byte> SocketPathStart => "GET /ws/"u8;

    private UpgradeRequest(string path, DeviceId device, string host, string origin, string key, string? cookie, bool forwarded)
    {
        Forwarded = forwarded;
        Path = path;
        Device = device;
        Host = host;
        Origin = origin;
        Key = key;
        Cookie = cookie;
    }

    /// <summary><see cref="MemberPath"/> or <see cref="GuestPath"/>.</summary>
    public string Path { get; }

    /// <summary>The member's device (<c>?device=</c>); default for the guest's socket.</summary>
    public DeviceId Device { get; }

    public string Host { get; }

    public string Origin { get; }

    /// <summary><c>Sec-WebSocket-Key</c>: base64 of 16 bytes.</summary>
    public string Key { get; }

    public string? Cookie { get; }

    /// <summary>Whether a proxy says it forwarded the request (<c>X-Forwarded-Proto</c>, <c>X-Forwarded-Host</c> or <c>Forwarded</c>).</summary>
    public bool Forwarded { get; }

    public bool IsMember => Path == MemberPath;

    /// <summary>
    /// Reads the head at the start of <paramref name="buffer"/>: <see cref="HeadStatus.Incomplete"/> when more bytes
    /// may still make it one; <see cref="HeadStatus.Upgrade"/> with the request and where its head ends.
    /// </summary>
    public static HeadStatus TryRead(ReadOnlySequence<byte> buffer, out UpgradeRequest? request, out SequencePosition end)
    {
        request = null;
        end = buffer.Start;
        // Only a request for a socket path is worth waiting for: anything else is decided by its first bytes.
        var startLength = (int)Math.Min(buffer.Length, SocketPathStart.Length);
        Span<byte> start = stackalloc byte[SocketPathStart.Length];
        buffer.Slice(0, startLength).CopyTo(start);
        if (!SocketPathStart.StartsWith(start[..startLength]))
        {
            return HeadStatus.NotAnUpgrade;
        }
        var reader = new SequenceReader<byte>(buffer.Length > MaxHeadBytes ? buffer.Slice(0, MaxHeadBytes) : buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHead))
        {
            return buffer.Length < MaxHeadBytes ? HeadStatus.Incomplete : HeadStatus.NotAnUpgrade;
        }
        end = reader.Position;
        request = Parse(head);
        return request is null ? HeadStatus.NotAnUpgrade : HeadStatus.Upgrade;
    }

    private static UpgradeRequest? Parse(ReadOnlySequence<byte> head)
    {
        Span<byte> bytes = stackalloc byte[(int)head.Length];
        head.CopyTo(bytes);
        if (bytes.IndexOfAnyExcept(HeadBytes) >= 0)
        {
            return null; // a byte outside printable ASCII, other than a tab or a line break
        }
        var lines = Encoding.ASCII.GetString(bytes).Split("\r\n");
        if (lines.Any(line => line.Contains('\r', StringComparison.Ordinal) || line.Contains('\n', StringComparison.Ordinal)))
        {
            return null; // a bare CR or LF
        }
        if (!TryParseTarget(lines[0], out var path, out var device))
        {
            return null;
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var forwarded = false;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !IsToken(line.AsSpan(0, colon)))
            {
                return null; // also a folded line, which starts with a space
            }
            var name = line[..colon];
            forwarded |= ForwardingHeaders.Contains(name);
            if (RefusedHeaders.Contains(name) || (ReadHeaders.Contains(name) && !headers.TryAdd(name, line[(colon + 1)..].Trim(' ', '\t'))))
            {
                return null; // refused, or a header that must come once came twice
            }
        }
        var host = headers.GetValueOrDefault("Host");
        var origin = headers.GetValueOrDefault("Origin");
        var key = headers.GetValueOrDefault("Sec-WebSocket-Key");
        return IsHost(host)
            && origin is { Length: > 0 }
            && string.Equals(headers.GetValueOrDefault("Upgrade"), "websocket", StringComparison.OrdinalIgnoreCase)
            && HasToken(headers.GetValueOrDefault("Connection"), "upgrade")
            && headers.GetValueOrDefault("Sec-WebSocket-Version") == "13"
            && IsKey(key)
            ? new UpgradeRequest(path, device, host!, origin, key!, headers.GetValueOrDefault("Cookie"), forwarded)
            : null;
    }

    /// <summary>The headers read, each of which may come once.</summary>
    private static readonly HashSet<string> ReadHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Origin", "Upgrade", "Connection", "Sec-WebSocket-Version", "Sec-WebSocket-Key", "Cookie",
    };

    private static readonly HashSet<string> ForwardingHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded",
    };

    /// <summary>A body, an expectation or a sub-protocol is not how our pages open their socket.</summary>
    private static readonly HashSet<string> RefusedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Expect", "Sec-WebSocket-Protocol",
    };

    private static bool TryParseTarget(string requestLine, out string path, out DeviceId device)
    {
        path = "";
        device = default;
        if (!requestLine.StartsWith("GET ", StringComparison.Ordinal) || !requestLine.EndsWith(" HTTP/1.1", StringComparison.Ordinal))
        {
            return false;
        }
        var target = requestLine["GET ".Length..^" HTTP/1.1".Length];
        const string DeviceQuery = MemberPath + "?device=";
        if (target == GuestPath)
        {
            path = GuestPath;
            return true;
        }
        if (target.StartsWith(DeviceQuery, StringComparison.Ordinal) && DeviceId.TryParse(target[DeviceQuery.Length..], out device))
        {
            path = MemberPath;
            return true;
        }
        return false;
    }

    /// <summary>Printable ASCII, tab, CR and LF.</summary>
    private static readonly SearchValues<byte> HeadBytes = SearchValues.Create(
        [(byte)'\t', (byte)'\r', (byte)'\n', .. Enumerable.Range(0x20, 0x7E - 0x20 + 1).Select(b => (byte)b)]);

    private static bool IsToken(ReadOnlySpan<char> name) =>
        name.IndexOfAnyExcept(TokenChars) < 0;

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> HostChars =
        SearchValues.Create("-.:[]0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static bool IsHost(string? host) => host is { Length: > 0 and <= 255 } && host.AsSpan().IndexOfAnyExcept(HostChars) < 0;

    private static bool HasToken(string? list, string token)
    {
        foreach (var part in (list ?? "").Split(','))
        {
            if (part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsKey(string? key)
    {
        Span<byte> decoded = stackalloc byte[18];
        return key is { Length: 24 } && Convert.TryFromBase64String(key, decoded, out var length) && length == 16;
    }

    /// <summary>The <c>Sec-WebSocket-Accept</c> answer to <see cref="Key"/> (RFC 6455, section 4.2.2).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do not use weak cryptographic algorithms",
        Justification = "RFC 6455 defines the accept key as SHA-1; it proves the server speaks WebSocket, it protects nothing.")]
    public string AcceptKey()
    {
        Span<byte> hash = stackalloc byte[20];
        System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(Key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), hash);
        return Convert.ToBase64String(hash);
    }
}

/// <summary>What the bytes at the start of a connection are, so far.</summary>
public enum HeadStatus
{
    Incomplete,
    NotAnUpgrade,
    Upgrade,
}
