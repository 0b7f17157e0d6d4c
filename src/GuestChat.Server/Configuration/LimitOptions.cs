using GuestChat.Protocol;

namespace GuestChat.Server.Configuration;

/// <summary>Sizes the server enforces (<c>GuestChat:Limits:*</c>). The defaults are docs/protocol.md's.</summary>
public sealed class LimitOptions
{
    /// <summary>An envelope's decoded size (the claim's first message and every send).</summary>
    public int MaxEnvelopeBytes { get; set; } = Limits.EnvelopeMaxBytes;

    /// <summary>A WebSocket message from a client; larger closes the socket with 1009.</summary>
    public int MaxFrameBytes { get; set; } = Limits.FrameMaxBytes;

    /// <summary>An HTTP request body; larger is 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = Limits.RequestBodyMaxBytes;

    /// <summary>Unused invitations a member may hold at once.</summary>
    public int MaxUnusedInvitations { get; set; } = Limits.MaxUnusedInvitations;

    /// <summary>Frames waiting to be written to one socket; a client that lets more pile up is closed with 1013.</summary>
    public int SocketQueueLength { get; set; } = 512;
}
