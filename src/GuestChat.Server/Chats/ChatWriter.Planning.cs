using System.Diagnostics;
using GuestChat.Protocol;
using GuestChat.Server.Realtime;

namespace GuestChat.Server.Chats;

public sealed partial class ChatWriter
{
    private async Task PlanAsync(ChatCommand command)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        var chat = await GetChatAsync(command.ChatId);
        if (chat is not null && chat.State == ChatState.Active && now >= chat.LastActivityAt + (long)_options.InactivityPeriod.TotalMilliseconds)
        {
            Close(chat, ChatState.Expired); // lazily, so a moved clock takes effect at once
        }
        switch (command)
        {
            case SendEnvelope send:
                PlanSend(send, chat, now);
                break;
            case SendEphemeral ephemeral:
                PlanEphemeral(ephemeral, chat);
                break;
            case Acknowledge ack:
                PlanAcknowledge(ack, chat);
                break;
            case SetBlocked block:
                PlanBlock(block, chat);
                break;
            case Leave leave:
                PlanLeave(leave, chat);
                break;
            case ExpireIfIdle:
                break; // done above when due
        }
    }

    private void PlanSend(SendEnvelope send, ChatRuntime? chat, long now)
    {
        _origins.Add(send.Origin);
        if (Refused(send.Origin, chat, send.ChatId, send.ClientId) is not { } open)
        {
            return;
        }
        var sender = send.Origin.Peer.Party;
        if (open.Recent.TryFind(sender, send.ClientId, send.Body, out var originalSeq, out var originalSentAt))
        {
            _outbox.Add(Outgoing.ToConnection(send.Origin, new StoredFrame(open.Id, send.ClientId, originalSeq, originalSentAt)));
            return; // a resend of an envelope already stored
        }
        var seq = ++open.LastSeq;
        open.Recent.Add(sender, send.ClientId, send.Body, seq, now);
        // A blocked guest's envelope is answered like any other but never stored, delivered, or counted as activity.
        if (sender == Party.Guest && open.Blocked)
        {
            if (open.FirstDiscardedSeq == 0)
            {
                open.FirstDiscardedSeq = seq;
            }
        }
        else
        {
            var recipient = Other(sender);
            _batch.Envelopes.Add(new StoredEnvelope(open.Id, seq, recipient, send.Body, now, send.ClientId));
            open.LastActivityAt = now;
            _outbox.Add(Outgoing.ToParty(open, recipient, new MessageFrame(open.Id, seq, send.Body, now)));
        }
        Touch(open);
        _outbox.Add(Outgoing.ToConnection(send.Origin, new StoredFrame(open.Id, send.ClientId, seq, now)));
    }

    private void PlanEphemeral(SendEphemeral ephemeral, ChatRuntime? chat)
    {
        if (Refused(ephemeral.Origin, chat, ephemeral.ChatId, clientId: null) is not { } open)
        {
            return;
        }
        var sender = ephemeral.Origin.Peer.Party;
        if (!(sender == Party.Guest && open.Blocked))
        {
            _outbox.Add(Outgoing.ToParty(open, Other(sender), new EphemeralFrame(open.Id, ephemeral.Body)));
        }
    }

    private void PlanAcknowledge(Acknowledge ack, ChatRuntime? chat)
    {
        if (chat is null || !chat.Admits(ack.Origin.Peer))
        {
            _outbox.Add(Outgoing.ToConnection(ack.Origin, new ErrorFrame(ErrorCodes.ChatNotFound, ChatId: ack.ChatId)));
            return;
        }
        if (chat.State != ChatState.Active)
        {
            return; // its envelopes are gone already
        }
        var party = ack.Origin.Peer.Party;
        var upTo = Math.Min(ack.Seq, chat.LastSeq);
        var acked = party == Party.Member ? chat.MemberAckedSeq : chat.GuestAckedSeq;
        if (upTo <= acked)
        {
            return;
        }
        _acknowledged[(chat.Id, party)] = upTo;
        Touch(chat, durable: false);
        if (_acknowledgedSince == 0)
        {
            _acknowledgedSince = Stopwatch.GetTimestamp();
        }
        if (party == Party.Guest)
        {
            chat.GuestAckedSeq = upTo;
            _outbox.Add(Outgoing.ToParty(chat, Party.Member, new DeliveredFrame(chat.Id, upTo)));
            return;
        }
        var delivered = chat.GuestDelivered;
        chat.MemberAckedSeq = upTo;
        if (chat.GuestDelivered > delivered)
        {
            _outbox.Add(Outgoing.ToParty(chat, Party.Guest, new DeliveredFrame(chat.Id, chat.GuestDelivered)));
        }
    }

    private void PlanBlock(SetBlocked block, ChatRuntime? chat)
    {
        if (chat is null || chat.MemberId != block.Member)
        {
            _outbox.Add(Outgoing.Reply(block.Reply, ChatChangeResult.NotFound));
            return;
        }
        if (chat.State != ChatState.Active)
        {
            _outbox.Add(Outgoing.Reply(block.Reply, ChatChangeResult.Closed));
            return;
        }
        if (chat.Blocked != block.Blocked)
        {
            chat.Blocked = block.Blocked;
            Touch(chat);
        }
        _outbox.Add(Outgoing.Reply(block.Reply, ChatChangeResult.Done));
    }

    private void PlanLeave(Leave leave, ChatRuntime? chat)
    {
        if (chat is null)
        {
            _outbox.Add(Outgoing.Reply(leave.Reply, ChatChangeResult.NotFound));
            return;
        }
        if (chat.State == ChatState.Active)
        {
            Close(chat, ChatState.Ended);
        }
        else
        {
            _batch.Closures.Add(chat.Id); // already closed: make sure no guest session outlives it
            _durable = true;
        }
        _outbox.Add(Outgoing.Reply(leave.Reply, ChatChangeResult.Done));
    }

    /// <summary>Checks that the socket may write to the chat; answers an <c>error</c> frame and returns null if not.</summary>
    private ChatRuntime? Refused(ClientConnection origin, ChatRuntime? chat, ChatId chatId, string? clientId)
    {
        var code = chat is null || !chat.Admits(origin.Peer) ? ErrorCodes.ChatNotFound
            : chat.State == ChatState.Expired ? ErrorCodes.ChatExpired
            : chat.State == ChatState.Ended ? ErrorCodes.ChatEnded
            : null;
        if (code is null)
        {
            return chat;
        }
        _outbox.Add(Outgoing.ToConnection(origin, new ErrorFrame(code, clientId, chatId)));
        return null;
    }

    private void Close(ChatRuntime chat, ChatState state)
    {
        chat.State = state;
        Touch(chat);
        _batch.Closures.Add(chat.Id);
        var chatEvent = state == ChatState.Expired ? ChatEvents.Expired : ChatEvents.Ended;
        _outbox.Add(Outgoing.ToParty(chat, Party.Member, new ChatEventFrame(chat.Id, chatEvent)));
        _outbox.Add(Outgoing.ToParty(chat, Party.Guest, new ChatEventFrame(chat.Id, chatEvent)));
        _outbox.Add(Outgoing.EndGuest(chat));
        if (state == ChatState.Expired)
        {
            LogChatExpired(chat.Id);
        }
        else
        {
            LogChatEnded(chat.Id);
        }
    }

    private void Touch(ChatRuntime chat, bool durable = true)
    {
        _durable |= durable;
        if (!chat.Touched)
        {
            chat.Touched = true;
            _touched.Add(chat);
        }
    }

    private static Party Other(Party party) => party == Party.Member ? Party.Guest : Party.Member;

    [LoggerMessage(3, LogLevel.Information, "Chat {ChatId} expired")]
    private partial void LogChatExpired(ChatId chatId);

    [LoggerMessage(4, LogLevel.Information, "Chat {ChatId} ended: the guest left")]
    private partial void LogChatEnded(ChatId chatId);
}
