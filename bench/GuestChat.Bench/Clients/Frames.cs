using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace GuestChat.Bench.Clients;

public enum FrameType
{
    Unknown,
    Message,
    Stored,
    Delivered,
    Ready,
    Error,
    Chat,
    Ephemeral,
    Pong,
    Ping,
}

/// <summary>The fields of a server frame the benchmark looks at; spans point into the received bytes.</summary>
public ref struct IncomingFrame
{
    public FrameType Type { get; set; }
    public long Seq { get; set; }
    /// <summary>The benchmark's message number carried at the start of a <c>message</c> body; -1 when absent.</summary>
    public long BodyIndex { get; set; }
    /// <summary>The <c>clientId</c> of a <c>stored</c> or <c>error</c> frame parsed as the benchmark's message number; -1 when absent.</summary>
    public long ClientIndex { get; set; }
    public ReadOnlySpan<byte> Code { get; set; }
}

/// <summary>
/// Builds and reads the protocol's JSON frames (docs/protocol.md, WebSocket) without allocating per message.
/// A benchmark envelope is 300 random bytes (400 base64url characters), like a real encrypted text: its
/// first nine bytes carry the message number and a marker, so the receiver can time it.
/// </summary>
public static class Frames
{
    public const int EnvelopeBytes = 300;
    public const int MaxSendFrameBytes = 600;
    private const int MarkerBytes = 9;
    private const byte Marker = 0xB7;
    private const int TailCount = 64;
    private static readonly byte[][] s_tails = CreateTails();

    private static ReadOnlySpan<byte> SendPrefix => "{\"type\":\"send\",\"chatId\":\""u8;
    private static ReadOnlySpan<byte> ClientIdPart => "\",\"clientId\":\""u8;
    private static ReadOnlySpan<byte> BodyPart => "\",\"kind\":\"stored\",\"body\":\""u8;
    private static ReadOnlySpan<byte> SendSuffix => "\"}"u8;
    private static ReadOnlySpan<byte> AckPrefix => "{\"type\":\"ack\",\"chatId\":\""u8;
    private static ReadOnlySpan<byte> SeqPart => "\",\"seq\":"u8;

    /// <summary>Writes a stored <c>send</c> frame for message <paramref name="index"/>; answers its length.</summary>
    public static int WriteSend(Span<byte> destination, ReadOnlySpan<byte> chatId, long index)
    {
        var writer = new SpanWriter(destination);
        writer.Write(SendPrefix);
        writer.Write(chatId);
        writer.Write(ClientIdPart);
        writer.WriteNumber(index);
        writer.Write(BodyPart);
        Span<byte> marker = stackalloc byte[MarkerBytes];
        BinaryPrimitives.WriteInt64LittleEndian(marker, index);
        marker[8] = Marker;
        writer.Advance(Base64Url.EncodeToUtf8(marker, writer.Remaining));
        writer.Write(s_tails[(int)(index % TailCount)]);
        writer.Write(SendSuffix);
        return writer.Length;
    }

    /// <summary>The answer to the server's <c>ping</c>.</summary>
    public static ReadOnlySpan<byte> Pong => "{\"type\":\"pong\"}"u8;

    public static int WriteAck(Span<byte> destination, ReadOnlySpan<byte> chatId, long seq)
    {
        var writer = new SpanWriter(destination);
        writer.Write(AckPrefix);
        writer.Write(chatId);
        writer.Write(SeqPart);
        writer.WriteNumber(seq);
        writer.Write("}"u8);
        return writer.Length;
    }

    public static IncomingFrame Read(ReadOnlySpan<byte> json)
    {
        var frame = new IncomingFrame { BodyIndex = -1, ClientIndex = -1 };
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return frame;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                if (!reader.Read()) break;
                if (name.SequenceEqual("type"u8)) frame.Type = TypeOf(reader.ValueSpan);
                else if (name.SequenceEqual("seq"u8) && reader.TokenType == JsonTokenType.Number) frame.Seq = reader.GetInt64();
                else if (name.SequenceEqual("body"u8) && reader.TokenType == JsonTokenType.String) frame.BodyIndex = IndexInBody(reader.ValueSpan);
                else if (name.SequenceEqual("clientId"u8) && reader.TokenType == JsonTokenType.String) frame.ClientIndex = NumberOf(reader.ValueSpan);
                else if (name.SequenceEqual("code"u8) && reader.TokenType == JsonTokenType.String) frame.Code = reader.ValueSpan;
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        catch (JsonException)
        {
            frame.Type = FrameType.Unknown;
        }
        return frame;
    }

    /// <summary>Random base64url bytes of <paramref name="length"/> decoded bytes, for setup's opaque values.</summary>
    public static string RandomBase64Url(int length) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(length));

    private static FrameType TypeOf(ReadOnlySpan<byte> type) => type switch
    {
        _ when type.SequenceEqual("message"u8) => FrameType.Message,
        _ when type.SequenceEqual("stored"u8) => FrameType.Stored,
        _ when type.SequenceEqual("delivered"u8) => FrameType.Delivered,
        _ when type.SequenceEqual("ready"u8) => FrameType.Ready,
        _ when type.SequenceEqual("error"u8) => FrameType.Error,
        _ when type.SequenceEqual("chat"u8) => FrameType.Chat,
        _ when type.SequenceEqual("ephemeral"u8) => FrameType.Ephemeral,
        _ when type.SequenceEqual("pong"u8) => FrameType.Pong,
        _ when type.SequenceEqual("ping"u8) => FrameType.Ping,
        _ => FrameType.Unknown,
    };

    private static long IndexInBody(ReadOnlySpan<byte> body)
    {
        const int MarkerCharacters = 12;
        if (body.Length < MarkerCharacters) return -1;
        Span<byte> marker = stackalloc byte[MarkerBytes];
        var status = Base64Url.DecodeFromUtf8(body[..MarkerCharacters], marker, out _, out var written);
        if (status != System.Buffers.OperationStatus.Done || written != MarkerBytes || marker[8] != Marker) return -1;
        return BinaryPrimitives.ReadInt64LittleEndian(marker);
    }

    private static long NumberOf(ReadOnlySpan<byte> text) =>
        Utf8Parser.TryParse(text, out long value, out var consumed) && consumed == text.Length ? value : -1;

    private static byte[][] CreateTails()
    {
        var tails = new byte[TailCount][];
        for (var index = 0; index < TailCount; index++)
        {
            tails[index] = Encoding.ASCII.GetBytes(Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(EnvelopeBytes - MarkerBytes)));
        }
        return tails;
    }

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Length { get; private set; }

        public readonly Span<byte> Remaining => _destination[Length..];

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Remaining);
            Length += bytes.Length;
        }

        public void WriteNumber(long value)
        {
            Utf8Formatter.TryFormat(value, Remaining, out var written);
            Length += written;
        }

        public void Advance(int count) => Length += count;
    }
}
