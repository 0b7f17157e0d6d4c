using GuestChat.Protocol;

namespace GuestChat.Server.Chats;

/// <summary>How a stored chat looks to its member and to its guest, with expiry applied lazily at <c>now</c>.</summary>
public static class ChatViews
{
    /// <summary>An active chat idle for the whole period is expired, even before the sweep marks it.</summary>
    public static ChatState EffectiveState(ChatRecord chat, long now, TimeSpan inactivityPeriod) =>
        chat.State == ChatState.Active && now >= ExpiresAt(chat, inactivityPeriod) ? ChatState.Expired : chat.State;

    /// <summary>
    /// What the guest is told the member has received: the member's acknowledgements, but never as far as the
    /// first envelope discarded while blocked (<c>delivered</c> is cumulative, so it would show that one as delivered).
    /// </summary>
    public static long GuestDelivered(long memberAckedSeq, long firstDiscardedSeq) =>
        firstDiscardedSeq > 0 ? Math.Min(memberAckedSeq, firstDiscardedSeq - 1) : memberAckedSeq;

    public static long ExpiresAt(ChatRecord chat, TimeSpan inactivityPeriod) =>
        chat.LastActivityAt + (long)inactivityPeriod.TotalMilliseconds;

    public static MemberChat ForMember(ChatRecord chat, long now, TimeSpan inactivityPeriod) => new(
        chat.Id,
        chat.InvitationId,
        chat.DeviceId,
        chat.GuestName,
        EffectiveState(chat, now, inactivityPeriod) switch
        {
            ChatState.Active => chat.Blocked ? ChatStates.Blocked : ChatStates.Active,
            ChatState.Expired => ChatStates.Expired,
            _ => ChatStates.Ended,
        },
        chat.Blocked,
        chat.CreatedAt,
        chat.LastActivityAt,
        ExpiresAt(chat, inactivityPeriod),
        chat.GuestKeys,
        chat.ClaimTag);

    /// <summary>A block is never shown to the guest.</summary>
    public static GuestChatView ForGuest(ChatRecord chat, long now, TimeSpan inactivityPeriod) => new(
        chat.Id,
        chat.InvitationId,
        chat.MemberName,
        chat.GuestName,
        EffectiveState(chat, now, inactivityPeriod) switch
        {
            ChatState.Active => ChatStates.Active,
            ChatState.Expired => ChatStates.Expired,
            _ => ChatStates.Ended,
        },
        chat.LastActivityAt,
        ExpiresAt(chat, inactivityPeriod));
}
