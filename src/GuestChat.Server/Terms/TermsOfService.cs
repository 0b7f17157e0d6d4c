using System.Security.Cryptography;
using System.Text;
using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Terms;

/// <summary>The terms text and its version: the first 16 hex digits of the SHA-256 of the text.</summary>
public sealed record TermsDocument(string Text, string Version);

/// <summary>
/// Reads the terms file (<c>GuestChat:TermsFile</c>) and reads it again when the operator replaces it, so the
/// version a guest must accept always matches the text served.
/// </summary>
public sealed class TermsProvider(IOptions<WebOptions> options)
{
    private readonly Lock _lock = new();
    private (DateTime WrittenAt, long Length, TermsDocument Document)? _cached;

    public TermsDocument Current
    {
        get
        {
            var file = new FileInfo(options.Value.TermsFile);
            lock (_lock)
            {
                if (_cached is { } cached && cached.WrittenAt == file.LastWriteTimeUtc && cached.Length == file.Length)
                {
                    return cached.Document;
                }
                var text = File.ReadAllText(file.FullName, Encoding.UTF8).Replace("\r\n", "\n", StringComparison.Ordinal);
                var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
                var document = new TermsDocument(text, version);
                _cached = (file.LastWriteTimeUtc, file.Length, document);
                return document;
            }
        }
    }
}
