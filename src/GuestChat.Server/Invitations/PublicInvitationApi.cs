using GuestChat.Protocol;
using GuestChat.Server.Configuration;
using GuestChat.Server.Terms;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Invitations;

/// <summary>
/// What anyone holding an invitation id may read: the bundle and the inviter's name. A GET with no side effect,
/// so a link preview or a mail scanner cannot use an invitation up; rate-limited per address against guessing.
/// </summary>
public static class PublicInvitationApi
{
    public static IEndpointRouteBuilder MapPublicInvitations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/invitations/{id}/public", GetAsync).RequireRateLimiting(RateLimits.InvitationLookup);
        return app;
    }

    internal static async Task<Results<Ok<PublicInvitation>, ProblemHttpResult>> GetAsync(
        string id, IInvitationStore invitations, TermsProvider terms, TimeProvider clock, IOptions<ChatOptions> chatOptions,
        CancellationToken cancellationToken)
    {
        if (!InvitationId.TryParse(id, out var invitationId))
        {
            return InvitationStatus.Unknown();
        }
        var lookup = await invitations.FindAsync(invitationId, cancellationToken);
        if (InvitationStatus.Refusal(lookup, clock.GetUtcNow().ToUnixTimeMilliseconds(), chatOptions.Value.InactivityPeriod) is { } refusal)
        {
            return refusal;
        }
        var invitation = lookup!.Invitation;
        return TypedResults.Ok(new PublicInvitation(invitation.Id, lookup.InviterName, invitation.Bundle!, invitation.BundleTag!,
            invitation.ExpiresAt, terms.Current.Version, (long)chatOptions.Value.InactivityPeriod.TotalMilliseconds));
    }
}
