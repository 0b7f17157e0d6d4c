using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary>The <c>state</c> values of <see cref="MemberChat"/> and <see cref="GuestChatView"/>.</summary>
public static class ChatStates
{
    public const string Active = "active";
    /// <summary>Shown to the member only; a blocked chat is <see cref="Active"/> to the guest.</summary>
    public const string Blocked = "blocked";
    public const string Expired = "expired";
    public const string Ended = "ended";
}

/// <summary>A chat as its member sees it. Times are Unix milliseconds.</summary>
public sealed record MemberChat(
    ChatId Id,
    InvitationId InvitationId,
    DeviceId DeviceId,
    string GuestName,
    string State,
    bool Blocked,
    long CreatedAt,
    long LastActivityAt,
    long ExpiresAt,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] GuestKeys,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] ClaimTag);

/// <summary>The guest's chat (<c>GET /api/guest/chat</c>, and the answer to a claim).</summary>
public sealed record GuestChatView(
    ChatId ChatId,
    InvitationId InvitationId,
    string MemberName,
    string GuestName,
    string State,
    long LastActivityAt,
    long ExpiresAt);

/// <summary><c>GET /api/terms</c>.</summary>
public sealed record TermsOfService(string Version, string Text);
