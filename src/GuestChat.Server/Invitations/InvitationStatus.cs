using GuestChat.Protocol;
using GuestChat.Server.Chats;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GuestChat.Server.Invitations;

/// <summary>
/// Why an invitation cannot be used, as the distinct statuses the guest page turns into sentences:
/// 404 unknown, 409 used, 410 cancelled, 410 expired (also when the chat it became has expired).
/// </summary>
public static class InvitationStatus
{
    /// <summary>Null when the invitation is open, has its bundle and has not expired at <paramref name="now"/>.</summary>
    public static ProblemHttpResult? Refusal(InvitationLookup? lookup, long now, TimeSpan inactivityPeriod)
    {
        if (lookup is null || !lookup.Invitation.HasBundle)
        {
            return Unknown();
        }
        return lookup.Invitation.State switch
        {
            InvitationState.Used when lookup.Chat is { } chat
                && ChatViews.EffectiveState(chat, now, inactivityPeriod) == ChatState.Expired => Expired(),
            InvitationState.Used => Problems.Conflict(ErrorCodes.InvitationUsed, "This invitation has already been used."),
            InvitationState.Cancelled => Problems.Create(StatusCodes.Status410Gone, ErrorCodes.InvitationCancelled, "This invitation was cancelled."),
            InvitationState.Expired => Expired(),
            _ when now >= lookup.Invitation.ExpiresAt => Expired(),
            _ => null,
        };
    }

    public static ProblemHttpResult Unknown() => Problems.NotFound(ErrorCodes.InvitationUnknown, "This link is not valid.");

    private static ProblemHttpResult Expired() =>
        Problems.Create(StatusCodes.Status410Gone, ErrorCodes.InvitationExpired, "This chat has expired.");
}
