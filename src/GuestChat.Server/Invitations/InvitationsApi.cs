using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Configuration;
using GuestChat.Server.Devices;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Invitations;

/// <summary>A member's invitations: create, upload the bundle, list the unused ones, cancel.</summary>
public static partial class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitations(this IEndpointRouteBuilder app)
    {
        var member = app.MapGroup("/api/invitations").RequireAuthorization(Sessions.MemberPolicy);
        member.MapPost("", CreateAsync).RequireRateLimiting(RateLimits.InvitationCreation);
        member.MapPut("{id}/bundle", UploadBundleAsync);
        member.MapGet("", ListAsync);
        member.MapDelete("{id}", CancelAsync);
        return app;
    }

    private static async Task<Results<Created<Invitation>, ProblemHttpResult>> CreateAsync(
        CreateInvitationRequest request, HttpContext context, IDeviceStore devices, IInvitationStore invitations,
        TimeProvider clock, IOptions<ChatOptions> chatOptions, IOptions<LimitOptions> limits, ILoggerFactory logs,
        CancellationToken cancellationToken)
    {
        var member = context.User.GetMemberId();
        if (!DeviceId.TryParse(request.DeviceId, out var deviceId)
            || await devices.FindAsync(deviceId, cancellationToken) is not { } device || device.MemberId != member)
        {
            return Problems.NotFound(ErrorCodes.DeviceNotFound, "This device is not one of yours.");
        }
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var invitation = new InvitationRecord(InvitationId.New(), member, deviceId, now,
            now + (long)chatOptions.Value.InactivityPeriod.TotalMilliseconds, InvitationState.Open, null, null, null);
        if (!await invitations.TryCreateAsync(invitation, limits.Value.MaxUnusedInvitations, now, cancellationToken))
        {
            return Problems.Conflict(ErrorCodes.TooManyInvitations,
                $"You have {limits.Value.MaxUnusedInvitations} unused invitations; cancel one first.");
        }
        LogInvitationCreated(logs.CreateLogger(typeof(InvitationsApi)), member, invitation.Id);
        return TypedResults.Created($"/api/invitations/{invitation.Id}", ToWire(invitation));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> UploadBundleAsync(
        string id, UploadBundleRequest request, HttpContext context, IInvitationStore invitations, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!InvitationId.TryParse(id, out var invitationId))
        {
            return NotFound();
        }
        var errors = new FieldErrors();
        errors.Bytes("bundle", request.Bundle, 1, Limits.BundleMaxBytes);
        errors.Bytes("bundleTag", request.BundleTag, Limits.TagBytes, Limits.TagBytes);
        errors.Bytes("claimVerifier", request.ClaimVerifier, Limits.ClaimVerifierBytes, Limits.ClaimVerifierBytes);
        if (errors.Any)
        {
            return Problems.Validation(errors.ToDictionary());
        }
        var outcome = await invitations.SetBundleAsync(context.User.GetMemberId(), invitationId, request.Bundle, request.BundleTag,
            ClaimVerifiers.Hash(request.ClaimVerifier), clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return outcome switch
        {
            BundleOutcome.Stored => TypedResults.NoContent(),
            BundleOutcome.AlreadySet => Problems.Conflict(ErrorCodes.BundleAlreadySet, "This invitation already has its bundle."),
            _ => NotFound(),
        };
    }

    private static async Task<Ok<Invitation[]>> ListAsync(
        HttpContext context, IInvitationStore invitations, TimeProvider clock, CancellationToken cancellationToken)
    {
        var list = await invitations.ListUnusedAsync(context.User.GetMemberId(), clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        return TypedResults.Ok(list.Select(ToWire).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> CancelAsync(
        string id, HttpContext context, IInvitationStore invitations, CancellationToken cancellationToken)
    {
        if (!InvitationId.TryParse(id, out var invitationId))
        {
            return NotFound();
        }
        return await invitations.CancelAsync(context.User.GetMemberId(), invitationId, cancellationToken) switch
        {
            CancelOutcome.Cancelled => TypedResults.NoContent(),
            CancelOutcome.Used => Problems.Conflict(ErrorCodes.InvitationUsed, "This invitation has already been used."),
            _ => NotFound(),
        };
    }

    private static ProblemHttpResult NotFound() =>
        Problems.NotFound(ErrorCodes.InvitationNotFound, "No such invitation among yours, or it can no longer change.");

    private static Invitation ToWire(InvitationRecord i) => new(i.Id, i.DeviceId, i.CreatedAt, i.ExpiresAt, i.HasBundle);

    [LoggerMessage(1, LogLevel.Information, "Member {MemberId} created invitation {InvitationId}")]
    private static partial void LogInvitationCreated(ILogger logger, MemberId memberId, InvitationId invitationId);
}
