using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Guests;

/// <summary>The guest's own chat, and leaving it.</summary>
public static class GuestApi
{
    public static IEndpointRouteBuilder MapGuest(this IEndpointRouteBuilder app)
    {
        var guest = app.MapGroup("/api/guest").RequireAuthorization(Sessions.GuestPolicy);
        guest.MapGet("chat", GetChatAsync);
        guest.MapPost("leave", LeaveAsync);
        return app;
    }

    private static async Task<Results<Ok<GuestChatView>, ProblemHttpResult>> GetChatAsync(
        HttpContext context, IChatStore chats, TimeProvider clock, IOptions<ChatOptions> options, CancellationToken cancellationToken)
    {
        var chat = await chats.FindAsync(context.User.GuestChatId(), cancellationToken);
        return chat is null
            ? Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.NotSignedIn, "Not signed in.")
            : TypedResults.Ok(ChatViews.ForGuest(chat, clock.GetUtcNow().ToUnixTimeMilliseconds(), options.Value.InactivityPeriod));
    }

    /// <summary>Ends the chat for both: queued envelopes and the guest session go, the member is told.</summary>
    private static async Task<NoContent> LeaveAsync(HttpContext context, ChatWriter writer, CancellationToken cancellationToken)
    {
        await writer.LeaveAsync(context.User.GuestChatId(), cancellationToken);
        GuestSession.Delete(context.Response);
        return TypedResults.NoContent();
    }
}
