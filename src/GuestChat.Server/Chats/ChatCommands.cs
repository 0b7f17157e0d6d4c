using GuestChat.Protocol;
using GuestChat.Server.Realtime;

namespace GuestChat.Server.Chats;

/// <summary>A change to a chat, applied by <see cref="ChatWriter"/> in arrival order.</summary>
public abstract record ChatCommand(ChatId ChatId);

/// <summary>A stored envelope from a socket; answered with <c>stored</c> after the commit.</summary>
public sealed record SendEnvelope(ChatId ChatId, ClientConnection Origin, string ClientId, byte[] Body) : ChatCommand(ChatId);

/// <summary>An ephemeral envelope (base64url text) relayed to the other party if connected; never stored.</summary>
public sealed record SendEphemeral(ChatId ChatId, ClientConnection Origin, string Body) : ChatCommand(ChatId);

/// <summary>The socket's party has stored everything up to <see cref="Seq"/>.</summary>
public sealed record Acknowledge(ChatId ChatId, ClientConnection Origin, long Seq) : ChatCommand(ChatId);

/// <summary>The member blocks or unblocks the guest.</summary>
public sealed record SetBlocked(ChatId ChatId, MemberId Member, bool Blocked, TaskCompletionSource<ChatChangeResult> Reply)
    : ChatCommand(ChatId);

/// <summary>The guest ends the chat.</summary>
public sealed record Leave(ChatId ChatId, TaskCompletionSource<ChatChangeResult> Reply) : ChatCommand(ChatId);

/// <summary>Completes once everything planned before it is committed; names no chat.</summary>
public sealed record Flush(TaskCompletionSource Done) : ChatCommand(default(ChatId));

/// <summary>Expires the chat if it has been idle for the inactivity period.</summary>
public sealed record ExpireIfIdle(ChatId ChatId) : ChatCommand(ChatId);

public enum ChatChangeResult
{
    Done,
    NotFound,
    /// <summary>The chat has expired or ended.</summary>
    Closed,
}
