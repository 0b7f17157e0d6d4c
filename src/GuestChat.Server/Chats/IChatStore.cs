using GuestChat.Protocol;

namespace GuestChat.Server.Chats;

/// <summary>The two sides of a chat; also the recipient of a stored envelope.</summary>
public enum Party
{
    Member = 0,
    Guest = 1,
}

public enum ChatState
{
    Active,
    Expired,
    Ended,
}

/// <summary>A chat as stored, with its member's display name.</summary>
public sealed record ChatRecord(
    ChatId Id,
    InvitationId InvitationId,
    MemberId MemberId,
    DeviceId DeviceId,
    string MemberName,
    string GuestName,
    byte[] GuestKeys,
    byte[] ClaimTag,
    string TermsVersion,
    long TermsAcceptedAt,
    ChatState State,
    bool Blocked,
    long CreatedAt,
    long LastActivityAt,
    long LastSeq,
    long MemberAckedSeq,
    long GuestAckedSeq,
    long FirstDiscardedSeq);

/// <summary>An envelope waiting for its recipient's acknowledgement, with the sender's client id for its send.</summary>
public sealed record StoredEnvelope(ChatId ChatId, long Seq, Party Recipient, byte[] Body, long SentAt, string? ClientId);

/// <summary>The recipient has safely stored everything up to <see cref="UpToSeq"/>: those rows go.</summary>
public readonly record struct Acknowledgement(ChatId ChatId, Party Recipient, long UpToSeq);

/// <summary>
/// The changing part of a chat, written once per chat per batch: its counters always, its state and block only
/// when <see cref="StatusChanged"/> (rarely: they live in the wide chat row).
/// </summary>
public readonly record struct ChatProgress(
    ChatId Id, ChatState State, bool Blocked, long LastActivityAt, long LastSeq, long MemberAckedSeq, long GuestAckedSeq,
    long FirstDiscardedSeq, bool StatusChanged);

/// <summary>Everything one group commit writes, in one transaction.</summary>
public sealed class ChatBatch
{
    public List<StoredEnvelope> Envelopes { get; } = [];
    public List<Acknowledgement> Acknowledgements { get; } = [];
    /// <summary>Chats that expired or ended: their queued envelopes and guest sessions go.</summary>
    public List<ChatId> Closures { get; } = [];
    public List<ChatProgress> Chats { get; } = [];

    public bool IsEmpty => Envelopes.Count == 0 && Acknowledgements.Count == 0 && Closures.Count == 0 && Chats.Count == 0;

    public void Clear()
    {
        Envelopes.Clear();
        Acknowledgements.Clear();
        Closures.Clear();
        Chats.Clear();
    }
}

/// <summary>
/// Where chats, their queued envelopes and guest sessions live. Chat rows change only through
/// <see cref="CommitAsync"/>, which <see cref="ChatWriter"/> alone calls, one batch at a time.
/// </summary>
public interface IChatStore
{
    Task<ChatRecord?> FindAsync(ChatId id, CancellationToken cancellationToken);

    /// <summary>The member's chats, newest activity first.</summary>
    Task<IReadOnlyList<ChatRecord>> ListForMemberAsync(MemberId member, CancellationToken cancellationToken);

    /// <summary>The device's chats that are still active (blocked included).</summary>
    Task<IReadOnlyList<ChatRecord>> ListActiveForDeviceAsync(DeviceId device, CancellationToken cancellationToken);

    /// <summary>The chat of the guest session whose token hashes to <paramref name="tokenHash"/>.</summary>
    Task<ChatId?> FindGuestSessionAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>The chat's envelopes queued for <paramref name="recipient"/>, in sequence order.</summary>
    IAsyncEnumerable<StoredEnvelope> ReadQueuedAsync(ChatId chat, Party recipient, CancellationToken cancellationToken);

    /// <summary>The chat's latest queued envelopes that carry a client id, newest first (to recognise resends).</summary>
    Task<IReadOnlyList<StoredEnvelope>> ReadRecentSendsAsync(ChatId chat, int count, CancellationToken cancellationToken);

    /// <summary>Active chats whose last message is at or before <paramref name="lastActivityAtOrBefore"/>.</summary>
    Task<IReadOnlyList<ChatId>> FindIdleAsync(long lastActivityAtOrBefore, CancellationToken cancellationToken);

    /// <summary>Writes the batch in one transaction; after it returns, everything in it is durable.</summary>
    Task CommitAsync(ChatBatch batch, CancellationToken cancellationToken);
}
