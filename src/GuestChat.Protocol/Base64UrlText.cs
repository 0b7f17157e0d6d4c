using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary>Strict base64url without padding (RFC 4648 §5): no padding, no whitespace, no other alphabet.</summary>
public static class Base64UrlText
{
    private static readonly SearchValues<char> Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>True when every character is one of <c>A-Z a-z 0-9 - _</c> (vectorized: envelopes pass here).</summary>
    public static bool IsAlphabet(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(Alphabet);

    /// <summary>The 6-bit value of a base64url character, or -1.</summary>
    public static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };

    /// <summary>The number of bytes <paramref name="text"/> decodes to, or -1 if it is not strict base64url.</summary>
    public static int DecodedLength(ReadOnlySpan<char> text)
    {
        if (text.Length % 4 == 1 || !IsAlphabet(text))
        {
            return -1;
        }
        return text.Length / 4 * 3 + (text.Length % 4 == 0 ? 0 : text.Length % 4 - 1);
    }

    /// <summary>Decodes text already checked with <see cref="DecodedLength"/>.</summary>
    public static byte[] DecodeChecked(string text) => Base64Url.DecodeFromChars(text);

    /// <summary>Decodes strict base64url; false for anything else.</summary>
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (text is null)
        {
            return false;
        }
        var length = DecodedLength(text);
        if (length < 0)
        {
            return false;
        }
        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }

    /// <summary>Encodes as base64url without padding.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}

/// <summary>Reads and writes <c>byte[]</c> as strict base64url text (the JSON default would be padded base64).</summary>
public sealed class Base64UrlJsonConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !Base64UrlText.TryDecode(reader.GetString(), out var bytes))
        {
            throw new JsonException("Expected base64url text without padding.");
        }
        return bytes;
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        var length = Base64Url.GetEncodedLength(value.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Base64Url.EncodeToUtf8(value, buffer);
            writer.WriteStringValue(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
