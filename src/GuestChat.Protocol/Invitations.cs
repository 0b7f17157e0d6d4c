using System.Text.Json.Serialization;

namespace GuestChat.Protocol;

/// <summary><c>POST /api/invitations</c>. The id is text so that a malformed id answers 404 like an unknown one.</summary>
public sealed record CreateInvitationRequest(string DeviceId);

/// <summary><c>PUT /api/invitations/{id}/bundle</c>: opaque bytes from the inviting device.</summary>
public sealed record UploadBundleRequest(
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] Bundle,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] BundleTag,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] ClaimVerifier);

/// <summary>An invitation as its member sees it. Times are Unix milliseconds.</summary>
public sealed record Invitation(InvitationId Id, DeviceId DeviceId, long CreatedAt, long ExpiresAt, bool HasBundle);

/// <summary><c>GET /api/invitations/{id}/public</c>: what the guest page needs to open the invitation.</summary>
public sealed record PublicInvitation(
    InvitationId Id,
    string InviterName,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] Bundle,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] BundleTag,
    long ExpiresAt,
    string TermsVersion,
    long InactivityPeriodMs);

/// <summary><c>POST /api/invitations/{id}/claim</c>: the guest joins.</summary>
public sealed record ClaimRequest(
    string DisplayName,
    string TermsVersion,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] GuestKeys,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] ClaimTag,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] ClaimVerifier,
    [property: JsonConverter(typeof(Base64UrlJsonConverter))] byte[] FirstEnvelope);
