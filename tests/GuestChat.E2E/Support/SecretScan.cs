using System.Text;

namespace GuestChat.E2E.Support;

/// <summary>Looks for a secret string inside bytes in the encodings it could plausibly be stored or logged in.</summary>
public static class SecretScan
{
    /// <summary>The byte patterns that would reveal <paramref name="secret"/>: UTF-8, UTF-16LE, and base64/base64url of its UTF-8 at every alignment.</summary>
    public static IReadOnlyList<byte[]> Patterns(string secret)
    {
        var utf8 = Encoding.UTF8.GetBytes(secret);
        var patterns = new List<byte[]> { utf8, Encoding.Unicode.GetBytes(secret) };
        for (var skip = 0; skip < 3 && utf8.Length - skip >= 12; skip++)
        {
            // Base64 of a substring starting at a multiple of 3 is a substring of the whole value's base64.
            var usable = (utf8.Length - skip) / 3 * 3;
            var base64 = Convert.ToBase64String(utf8, skip, usable);
            patterns.Add(Encoding.ASCII.GetBytes(base64));
            patterns.Add(Encoding.ASCII.GetBytes(base64.Replace('+', '-').Replace('/', '_')));
        }
        return patterns;
    }

    public static bool Contains(ReadOnlySpan<byte> haystack, string secret)
    {
        foreach (var pattern in Patterns(secret))
        {
            if (haystack.IndexOf(pattern) >= 0) return true;
        }
        return false;
    }

    /// <summary>Reads a file as bytes even while the server holds it open (SQLite database, -wal, -shm).</summary>
    public static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
