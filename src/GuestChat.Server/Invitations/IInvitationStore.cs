using GuestChat.Protocol;
using GuestChat.Server.Chats;

namespace GuestChat.Server.Invitations;

public enum InvitationState
{
    Open,
    Used,
    Cancelled,
    Expired,
}

/// <summary>An invitation as stored. The bundle and verifier arrive after creation, in one upload.</summary>
public sealed record InvitationRecord(
    InvitationId Id,
    MemberId MemberId,
    DeviceId DeviceId,
    long CreatedAt,
    long ExpiresAt,
    InvitationState State,
    byte[]? Bundle,
    byte[]? BundleTag,
    byte[]? ClaimVerifierHash)
{
    public bool HasBundle => Bundle is not null;
}

/// <summary>An invitation with what a guest needs to see: who invites, and how its chat fares if it was used.</summary>
public sealed record InvitationLookup(InvitationRecord Invitation, string InviterName, ChatRecord? Chat);

public enum BundleOutcome
{
    Stored,
    NotFound,
    AlreadySet,
}

public enum CancelOutcome
{
    Cancelled,
    NotFound,
    Used,
}

public enum ClaimOutcome
{
    Claimed,
    /// <summary>Someone else claimed it first, or it was cancelled or expired meanwhile.</summary>
    NoLongerOpen,
}

/// <summary>Where invitations live; a claim turns one into a chat atomically.</summary>
public interface IInvitationStore
{
    /// <summary>Adds the invitation unless the member already holds <paramref name="maxUnused"/> unused ones.</summary>
    Task<bool> TryCreateAsync(InvitationRecord invitation, int maxUnused, long now, CancellationToken cancellationToken);

    /// <summary>Stores the bundle, its tag and the SHA-256 of the claim verifier (never the verifier itself).</summary>
    Task<BundleOutcome> SetBundleAsync(
        MemberId member, InvitationId id, byte[] bundle, byte[] bundleTag, byte[] claimVerifierHash, long now,
        CancellationToken cancellationToken);

    /// <summary>Open, not yet expired invitations, newest first.</summary>
    Task<IReadOnlyList<InvitationRecord>> ListUnusedAsync(MemberId member, long now, CancellationToken cancellationToken);

    Task<CancelOutcome> CancelAsync(MemberId member, InvitationId id, CancellationToken cancellationToken);

    Task<InvitationLookup?> FindAsync(InvitationId id, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: marks the invitation used if it is still open and unexpired at <paramref name="now"/>,
    /// creates the chat (with the acceptance of the terms), stores the guest session's token hash and queues the
    /// first envelope for the member as sequence 1. Of concurrent claims exactly one gets <see cref="ClaimOutcome.Claimed"/>.
    /// </summary>
    Task<ClaimOutcome> ClaimAsync(
        ChatRecord chat, byte[] guestTokenHash, byte[] firstEnvelope, long now, CancellationToken cancellationToken);

    /// <summary>Marks open invitations whose time is up as expired; returns how many.</summary>
    Task<int> ExpireDueAsync(long now, CancellationToken cancellationToken);
}
