namespace GuestChat.Protocol;

/// <summary>The stable <c>code</c> of every problem response and WebSocket <c>error</c> frame.</summary>
public static class ErrorCodes
{
    public const string Validation = "validation";
    public const string Csrf = "csrf";
    public const string BodyTooLarge = "body-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string RateLimited = "rate-limited";
    public const string NotFound = "not-found";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string Internal = "internal";
    public const string Unavailable = "unavailable";

    public const string NotSignedIn = "not-signed-in";
    public const string UsernameTaken = "username-taken";
    public const string InvalidCredentials = "invalid-credentials";
    public const string OriginNotAllowed = "origin-not-allowed";

    public const string DeviceNotFound = "device-not-found";
    public const string TooManyInvitations = "too-many-invitations";
    public const string InvitationNotFound = "invitation-not-found";
    public const string BundleAlreadySet = "bundle-already-set";
    public const string InvitationUnknown = "invitation-unknown";
    public const string InvitationUsed = "invitation-used";
    public const string InvitationCancelled = "invitation-cancelled";
    public const string InvitationExpired = "invitation-expired";
    public const string TermsChanged = "terms-changed";
    public const string ClaimVerifierMismatch = "claim-verifier-mismatch";

    public const string ChatNotFound = "chat-not-found";
    public const string ChatClosed = "chat-closed";
    public const string ChatExpired = "chat-expired";
    public const string ChatEnded = "chat-ended";
    public const string InvalidBody = "invalid-body";
    public const string InvalidFrame = "invalid-frame";
}
