using GuestChat.Protocol;

namespace GuestChat.Server.Chats;

/// <summary>
/// Who is at the other end of a socket: a member's device, or the guest of one chat.
/// </summary>
public readonly record struct Peer(Party Party, MemberId Member, DeviceId Device, ChatId GuestChat)
{
    public static Peer ForMember(MemberId member, DeviceId device) => new(Party.Member, member, device, default);

    public static Peer ForGuest(ChatId chat) => new(Party.Guest, default, default, chat);
}

/// <summary>
/// A chat's live state, owned by <see cref="ChatWriter"/>'s single loop: sequence numbers are drawn here, in
/// memory, and persisted with the envelopes of the same batch.
/// </summary>
internal sealed class ChatRuntime(ChatRecord record)
{
    public ChatId Id { get; } = record.Id;
    public MemberId MemberId { get; } = record.MemberId;
    public DeviceId DeviceId { get; } = record.DeviceId;
    public ChatState State { get; set; } = record.State;
    public bool Blocked { get; set; } = record.Blocked;

    /// <summary>The state and block as last written (loaded, or in the last <see cref="Progress"/>).</summary>
    private (ChatState State, bool Blocked) _writtenStatus = (record.State, record.Blocked);

    public long LastActivityAt { get; set; } = record.LastActivityAt;
    public long LastSeq { get; set; } = record.LastSeq;
    public long MemberAckedSeq { get; set; } = record.MemberAckedSeq;
    public long GuestAckedSeq { get; set; } = record.GuestAckedSeq;
    public long FirstDiscardedSeq { get; set; } = record.FirstDiscardedSeq;

    /// <summary>The <c>delivered</c> mark the guest may see (docs/protocol.md: never up to a discarded envelope).</summary>
    public long GuestDelivered => ChatViews.GuestDelivered(MemberAckedSeq, FirstDiscardedSeq);

    /// <summary>The last sends, to answer a resend with its original sequence number.</summary>
    public RecentSends Recent { get; } = new();

    /// <summary>Set while the chat has changes in the batch being built.</summary>
    public bool Touched { get; set; }

    /// <summary>True when <paramref name="peer"/> is this chat's guest, or its member on the device the chat is bound to.</summary>
    public bool Admits(Peer peer) => peer.Party == Party.Guest
        ? peer.GuestChat == Id
        : peer.Member == MemberId && peer.Device == DeviceId;

    /// <summary>What the batch writes for this chat; the status counts as written from here on.</summary>
    public ChatProgress Progress()
    {
        var statusChanged = _writtenStatus != (State, Blocked);
        _writtenStatus = (State, Blocked);
        return new ChatProgress(Id, State, Blocked, LastActivityAt, LastSeq, MemberAckedSeq, GuestAckedSeq, FirstDiscardedSeq, statusChanged);
    }
}
