using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary>The <c>kind</c> of a <see cref="SendFrame"/>.</summary>
public static class EnvelopeKinds
{
    /// <summary>Text or a read receipt: stored until the recipient acknowledges it.</summary>
    public const string Stored = "stored";
    /// <summary>Typing: relayed to a connected recipient, never stored.</summary>
    public const string Ephemeral = "ephemeral";
}

/// <summary>The <c>event</c> of a <see cref="ChatEventFrame"/>.</summary>
public static class ChatEvents
{
    public const string Claimed = "claimed";
    public const string Expired = "expired";
    public const string Ended = "ended";
}

/// <summary>A WebSocket text message from a client; <c>type</c> says which.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SendFrame), "send")]
[JsonDerivedType(typeof(AckFrame), "ack")]
[JsonDerivedType(typeof(PingFrame), "ping")]
[JsonDerivedType(typeof(ClientPongFrame), "pong")]
public abstract record ClientFrame;

/// <summary>
/// An envelope for the other party. <see cref="Body"/> stays text here so that a bad body can be refused with
/// an <c>error</c> frame naming <see cref="ClientId"/> rather than closing the socket.
/// </summary>
public sealed record SendFrame(string ChatId, string ClientId, string Kind, string Body) : ClientFrame;

/// <summary>Everything up to <see cref="Seq"/> addressed to me in this chat is safely stored on my side.</summary>
public sealed record AckFrame(string ChatId, long Seq) : ClientFrame;

/// <summary>Answered with <see cref="PongFrame"/>.</summary>
public sealed record PingFrame : ClientFrame;

/// <summary>The answer to <see cref="ServerPingFrame"/> (any frame from the client also shows it is alive).</summary>
public sealed record ClientPongFrame : ClientFrame;

/// <summary>A WebSocket text message from the server; <c>type</c> says which.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MessageFrame), "message")]
[JsonDerivedType(typeof(EphemeralFrame), "ephemeral")]
[JsonDerivedType(typeof(StoredFrame), "stored")]
[JsonDerivedType(typeof(DeliveredFrame), "delivered")]
[JsonDerivedType(typeof(ChatEventFrame), "chat")]
[JsonDerivedType(typeof(ReadyFrame), "ready")]
[JsonDerivedType(typeof(ErrorFrame), "error")]
[JsonDerivedType(typeof(PongFrame), "pong")]
[JsonDerivedType(typeof(ServerPingFrame), "ping")]
public abstract record ServerFrame;

/// <summary>A stored envelope for me, in <see cref="Seq"/> order; sent again after a reconnect until acknowledged.</summary>
public sealed record MessageFrame(
    ChatId ChatId,
    long Seq,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] Body,
    long SentAt) : ServerFrame;

/// <summary>A relayed ephemeral envelope (base64url, as the sender wrote it).</summary>
public sealed record EphemeralFrame(ChatId ChatId, string Body) : ServerFrame;

/// <summary>My send is durably stored with this sequence number.</summary>
public sealed record StoredFrame(ChatId ChatId, string ClientId, long Seq, long SentAt) : ServerFrame;

/// <summary>The other party has acknowledged my envelopes up to <see cref="Seq"/>.</summary>
public sealed record DeliveredFrame(ChatId ChatId, long Seq) : ServerFrame;

/// <summary>Something happened to a chat; <see cref="Event"/> is one of <see cref="ChatEvents"/>.</summary>
public sealed record ChatEventFrame(ChatId ChatId, string Event) : ServerFrame;

/// <summary>Sent once after connecting, after the backlog.</summary>
public sealed record ReadyFrame : ServerFrame;

/// <summary>A send was refused, or (<c>invalid-frame</c>) the socket is about to close with 1007.</summary>
public sealed record ErrorFrame(
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ChatId? ChatId = null) : ServerFrame;

/// <summary>The answer to <see cref="PingFrame"/>.</summary>
public sealed record PongFrame : ServerFrame;

/// <summary>
/// The server has heard nothing from this client for a while: the client answers with <see cref="ClientPongFrame"/>,
/// or its socket is closed as dead.
/// </summary>
public sealed record ServerPingFrame : ServerFrame
{
    public static readonly ServerPingFrame Instance = new();
}
