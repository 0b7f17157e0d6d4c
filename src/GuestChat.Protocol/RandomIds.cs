using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary>An id of 128 random bits drawn by the server, written as 22 base64url characters.</summary>
public interface IRandomId<TSelf> where TSelf : struct, IRandomId<TSelf>
{
    /// <summary>The 22-character base64url text.</summary>
    string Value { get; }

    /// <summary>Accepts exactly 22 base64url characters; anything else is not an id of this kind.</summary>
    static abstract bool TryParse(string? text, out TSelf id);
}

/// <summary>Draws and checks the text of random ids.</summary>
public static class RandomId
{
    /// <summary>Length of an id's text: 16 bytes in base64url without padding.</summary>
    public const int TextLength = 22;

    /// <summary>128 bits from <see cref="RandomNumberGenerator"/>, base64url.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>True for 22 base64url characters whose last one carries no stray bits.</summary>
    public static bool IsValid(string? text)
    {
        if (text is null || text.Length != TextLength || !Base64UrlText.IsAlphabet(text))
        {
            return false;
        }
        // 22 characters hold 132 bits; the last character's low 4 bits must be zero for a canonical 16-byte value.
        return (Base64UrlText.ValueOf(text[^1]) & 0x0F) == 0;
    }
}

/// <summary>Writes ids as their text; reading refuses text that is not an id.</summary>
public sealed class RandomIdJsonConverter<TId> : JsonConverter<TId> where TId : struct, IRandomId<TId>
{
    public override TId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !TId.TryParse(reader.GetString(), out var id))
        {
            throw new JsonException("Expected an id: 22 base64url characters.");
        }
        return id;
    }

    public override void Write(Utf8JsonWriter writer, TId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}

/// <summary>A member account.</summary>
[JsonConverter(typeof(RandomIdJsonConverter<MemberId>))]
public readonly record struct MemberId : IRandomId<MemberId>
{
    private MemberId(string value) => Value = value;
    public string Value { get; }
    public static MemberId New() => new(RandomId.Create());
    public static bool TryParse(string? text, out MemberId id)
    {
        id = RandomId.IsValid(text) ? new MemberId(text!) : default;
        return id.Value is not null;
    }
    public static MemberId Parse(string text) => TryParse(text, out var id) ? id : throw new FormatException("Not a member id.");
    public override string ToString() => Value;
}

/// <summary>One browser of a member, holding its own identity keys.</summary>
[JsonConverter(typeof(RandomIdJsonConverter<DeviceId>))]
public readonly record struct DeviceId : IRandomId<DeviceId>
{
    private DeviceId(string value) => Value = value;
    public string Value { get; }
    public static DeviceId New() => new(RandomId.Create());
    public static bool TryParse(string? text, out DeviceId id)
    {
        id = RandomId.IsValid(text) ? new DeviceId(text!) : default;
        return id.Value is not null;
    }
    public static DeviceId Parse(string text) => TryParse(text, out var id) ? id : throw new FormatException("Not a device id.");
    public override string ToString() => Value;
}

/// <summary>An invitation; its id is the public part of the link <c>/i/{id}</c>.</summary>
[JsonConverter(typeof(RandomIdJsonConverter<InvitationId>))]
public readonly record struct InvitationId : IRandomId<InvitationId>
{
    private InvitationId(string value) => Value = value;
    public string Value { get; }
    public static InvitationId New() => new(RandomId.Create());
    public static bool TryParse(string? text, out InvitationId id)
    {
        id = RandomId.IsValid(text) ? new InvitationId(text!) : default;
        return id.Value is not null;
    }
    public static InvitationId Parse(string text) => TryParse(text, out var id) ? id : throw new FormatException("Not an invitation id.");
    public override string ToString() => Value;
}

/// <summary>A 1:1 chat between a member's device and a guest.</summary>
[JsonConverter(typeof(RandomIdJsonConverter<ChatId>))]
public readonly record struct ChatId : IRandomId<ChatId>
{
    private ChatId(string value) => Value = value;
    public string Value { get; }
    public static ChatId New() => new(RandomId.Create());
    public static bool TryParse(string? text, out ChatId id)
    {
        id = RandomId.IsValid(text) ? new ChatId(text!) : default;
        return id.Value is not null;
    }
    public static ChatId Parse(string text) => TryParse(text, out var id) ? id : throw new FormatException("Not a chat id.");
    public override string ToString() => Value;
}
