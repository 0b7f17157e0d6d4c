using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using GuestChat.Server.Configuration;
using GuestChat.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Chats;

/// <summary>A member's chats: list, one, block and unblock.</summary>
public static partial class ChatsApi
{
    public static IEndpointRouteBuilder MapChats(this IEndpointRouteBuilder app)
    {
        var chats = app.MapGroup("/api/chats").RequireAuthorization(Sessions.MemberPolicy);
        chats.MapGet("", ListAsync);
        chats.MapGet("{id}", GetAsync);
        chats.MapPut("{id}/block", (string id, HttpContext context, ChatWriter writer, ILoggerFactory logs, CancellationToken ct) =>
            SetBlockedAsync(id, blocked: true, context, writer, logs, ct));
        chats.MapDelete("{id}/block", (string id, HttpContext context, ChatWriter writer, ILoggerFactory logs, CancellationToken ct) =>
            SetBlockedAsync(id, blocked: false, context, writer, logs, ct));
        return app;
    }

    private static async Task<Ok<MemberChat[]>> ListAsync(
        HttpContext context, IChatStore chats, TimeProvider clock, IOptions<ChatOptions> options, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var list = await chats.ListForMemberAsync(context.User.GetMemberId(), cancellationToken);
        return TypedResults.Ok(list.Select(chat => ChatViews.ForMember(chat, now, options.Value.InactivityPeriod)).ToArray());
    }

    private static async Task<Results<Ok<MemberChat>, ProblemHttpResult>> GetAsync(
        string id, HttpContext context, IChatStore chats, TimeProvider clock, IOptions<ChatOptions> options,
        CancellationToken cancellationToken)
    {
        if (!ChatId.TryParse(id, out var chatId)
            || await chats.FindAsync(chatId, cancellationToken) is not { } chat || chat.MemberId != context.User.GetMemberId())
        {
            return NotFound();
        }
        return TypedResults.Ok(ChatViews.ForMember(chat, clock.GetUtcNow().ToUnixTimeMilliseconds(), options.Value.InactivityPeriod));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetBlockedAsync(
        string id, bool blocked, HttpContext context, ChatWriter writer, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        if (!ChatId.TryParse(id, out var chatId))
        {
            return NotFound();
        }
        var member = context.User.GetMemberId();
        switch (await writer.SetBlockedAsync(chatId, member, blocked, cancellationToken))
        {
            case ChatChangeResult.Done:
                LogBlockChanged(logs.CreateLogger(typeof(ChatsApi)), member, chatId, blocked);
                return TypedResults.NoContent();
            case ChatChangeResult.Closed:
                return Problems.Conflict(ErrorCodes.ChatClosed, "This chat has expired or ended.");
            default:
                return NotFound();
        }
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound(ErrorCodes.ChatNotFound, "No such chat among yours.");

    [LoggerMessage(1, LogLevel.Information, "Member {MemberId} set chat {ChatId} blocked={Blocked}")]
    private static partial void LogBlockChanged(ILogger logger, MemberId memberId, ChatId chatId, bool blocked);
}
