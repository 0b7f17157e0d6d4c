using GuestChat.Protocol;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Guests;
using GuestChat.Server.Realtime;
using GuestChat.Server.Terms;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Invitations;

/// <summary>
/// A guest claims an invitation: the verifier is compared in constant time, then one transaction uses the
/// invitation up, creates the chat, records the accepted terms, stores the guest session and queues the first
/// envelope for the member. Of concurrent claims exactly one wins.
/// </summary>
public static partial class ClaimApi
{
    public static IEndpointRouteBuilder MapClaims(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/invitations/{id}/claim", ClaimAsync).RequireRateLimiting(RateLimits.Claim);
        return app;
    }

    private static async Task<Results<Created<GuestChatView>, ValidationProblem, ProblemHttpResult>> ClaimAsync(
        string id, ClaimRequest request, HttpContext context, IInvitationStore invitations, TermsProvider terms,
        TimeProvider clock, IOptions<ChatOptions> chatOptions, IOptions<LimitOptions> limits, IRelay relay,
        ILoggerFactory logs, CancellationToken cancellationToken)
    {
        if (!InvitationId.TryParse(id, out var invitationId))
        {
            return InvitationStatus.Unknown();
        }
        var guestName = request.DisplayName.Trim();
        if (Validate(request, guestName, limits.Value) is { } invalid)
        {
            return invalid;
        }
        var period = chatOptions.Value.InactivityPeriod;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lookup = await invitations.FindAsync(invitationId, cancellationToken);
        if (InvitationStatus.Refusal(lookup, now, period) is { } refusal)
        {
            return refusal;
        }
        if (request.TermsVersion != terms.Current.Version)
        {
            return Problems.Conflict(ErrorCodes.TermsChanged, "The terms of service have changed; read and accept them again.");
        }
        var invitation = lookup!.Invitation;
        if (!ClaimVerifiers.Matches(invitation.ClaimVerifierHash, request.ClaimVerifier))
        {
            LogVerifierMismatch(logs.CreateLogger(typeof(ClaimApi)), invitationId);
            return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.ClaimVerifierMismatch, "This link is not valid.");
        }
        var chat = new ChatRecord(ChatId.New(), invitationId, invitation.MemberId, invitation.DeviceId, lookup.InviterName, guestName,
            request.GuestKeys, request.ClaimTag, request.TermsVersion, now, ChatState.Active, Blocked: false, now, now,
            LastSeq: 1, MemberAckedSeq: 0, GuestAckedSeq: 0, FirstDiscardedSeq: 0);
        var (cookie, tokenHash) = GuestSession.NewToken();
        if (await invitations.ClaimAsync(chat, tokenHash, request.FirstEnvelope, now, cancellationToken) != ClaimOutcome.Claimed)
        {
            // Lost a race (or the invitation changed meanwhile): answer what it is now.
            return InvitationStatus.Refusal(await invitations.FindAsync(invitationId, cancellationToken), now, period)
                ?? Problems.Conflict(ErrorCodes.InvitationUsed, "This invitation has already been used.");
        }
        GuestSession.SetCookie(context.Response, cookie);
        relay.SendToDevice(chat.DeviceId, new ChatEventFrame(chat.Id, ChatEvents.Claimed));
        relay.SendToDevice(chat.DeviceId, new MessageFrame(chat.Id, 1, request.FirstEnvelope, now));
        LogClaimed(logs.CreateLogger(typeof(ClaimApi)), invitationId, chat.Id, request.FirstEnvelope.Length);
        return TypedResults.Created("/api/guest/chat", ChatViews.ForGuest(chat, now, period));
    }

    private static ValidationProblem? Validate(ClaimRequest request, string guestName, LimitOptions limits)
    {
        var errors = new FieldErrors();
        if (guestName.Length == 0 || TextRules.VisibleLength(guestName) > Limits.GuestNameMaxLength
            || TextRules.HasControl(guestName) || TextRules.HasBidiControl(guestName))
        {
            errors.Add("displayName", $"Use 1 to {Limits.GuestNameMaxLength} characters, without control or direction-changing characters.");
        }
        if (request.TermsVersion.Length is 0 or > 64)
        {
            errors.Add("termsVersion", "Give the version of the terms you accepted.");
        }
        errors.Bytes("guestKeys", request.GuestKeys, 1, Limits.GuestKeysMaxBytes);
        errors.Bytes("claimTag", request.ClaimTag, Limits.TagBytes, Limits.TagBytes);
        errors.Bytes("claimVerifier", request.ClaimVerifier, Limits.ClaimVerifierBytes, Limits.ClaimVerifierBytes);
        errors.Bytes("firstEnvelope", request.FirstEnvelope, 1, limits.MaxEnvelopeBytes);
        return errors.Any ? Problems.Validation(errors.ToDictionary()) : null;
    }

    [LoggerMessage(1, LogLevel.Information, "Invitation {InvitationId} claimed: chat {ChatId} created ({Size} bytes of first envelope)")]
    private static partial void LogClaimed(ILogger logger, InvitationId invitationId, ChatId chatId, int size);

    [LoggerMessage(2, LogLevel.Warning, "A claim of invitation {InvitationId} had the wrong verifier")]
    private static partial void LogVerifierMismatch(ILogger logger, InvitationId invitationId);
}
