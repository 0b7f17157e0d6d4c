namespace GuestChat.Protocol;

/// <summary>The sizes and lengths of docs/protocol.md Part 1. Byte limits apply to decoded bytes.</summary>
public static class Limits
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 32;
    public const int MemberNameMaxLength = 64;
    public const int PasswordMinLength = 10;
    public const int PasswordMaxLength = 256;
    public const int GuestNameMaxLength = 25;

    public const int PublicKeysMaxBytes = 1_024;
    public const int BundleMaxBytes = 4_096;
    public const int TagBytes = 32;
    public const int ClaimVerifierBytes = 32;
    public const int GuestKeysMaxBytes = 2_048;

    /// <summary>An envelope (the claim's first message, a stored or an ephemeral send).</summary>
    public const int EnvelopeMaxBytes = 16_384;
    public const int ClientIdMaxLength = 64;

    /// <summary>A WebSocket frame larger than this closes the socket with 1009.</summary>
    public const int FrameMaxBytes = 32 * 1_024;

    /// <summary>An HTTP request body larger than this is 413 <c>body-too-large</c>.</summary>
    public const int RequestBodyMaxBytes = 64 * 1_024;

    /// <summary>Unused invitations a member may hold at once.</summary>
    public const int MaxUnusedInvitations = 20;
}
