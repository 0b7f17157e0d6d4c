using System.Diagnostics;
using System.Threading.Channels;
using GuestChat.Protocol;
using GuestChat.Server.Configuration;
using GuestChat.Server.Realtime;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Chats;

/// <summary>
/// The single writer of chats and their envelopes. Commands queue in one channel; the loop drains what is
/// queued, applies it to the chats' in-memory state, commits everything in ONE transaction (group commit),
/// and only then answers senders (<c>stored</c>), delivers to recipients and tells the sender <c>delivered</c>.
/// One loop means per-chat sequence numbers need no locks and delivery follows sequence order.
/// Acknowledgements need no commit of their own: <c>delivered</c> goes out at once, and the deletion of the
/// acknowledged envelopes rides with the next commit, or is committed alone after <see cref="AcknowledgementDelay"/>.
/// Losing it in a crash only makes the recipient see those envelopes again, and it ignores a <c>seq</c> it has.
/// </summary>
public sealed partial class ChatWriter : BackgroundService
{
    private const int QueueCapacity = 16_384;
    private const int MaxBatch = 4_096;

    /// <summary>Chats kept in memory; past this the cache starts over (every chat reloads from the store on demand).</summary>
    private const int MaxCachedChats = 100_000;

    /// <summary>How long acknowledgements may wait for a commit to ride with (real time: a storage matter).</summary>
    public static readonly TimeSpan AcknowledgementDelay = TimeSpan.FromMilliseconds(100);

    private readonly Channel<ChatCommand> _queue = Channel.CreateBounded<ChatCommand>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Dictionary<ChatId, ChatRuntime> _chats = [];
    private readonly ChatBatch _batch = new();
    private readonly List<ChatRuntime> _touched = [];
    private readonly Dictionary<(ChatId, Party), long> _acknowledged = []; // one delete per chat and party per batch
    private readonly List<Outgoing> _outbox = [];
    private readonly List<ClientConnection> _origins = [];
    private readonly List<TaskCompletionSource> _flushes = [];
    private bool _durable; // the batch holds changes that must be committed before they are answered
    private long _acknowledgedSince; // when the oldest uncommitted acknowledgement was planned (Stopwatch), or 0
    private Task<bool>? _waiting;
    private Task? _acknowledgementTimer; // the one pending delay, reused by later waits while it runs
    private readonly IChatStore _store;
    private readonly IRelay _relay;
    private readonly TimeProvider _clock;
    private readonly ChatOptions _options;
    private readonly ILogger<ChatWriter> _logger;

    public ChatWriter(IChatStore store, IRelay relay, TimeProvider clock, IOptions<ChatOptions> options, ILogger<ChatWriter> logger)
    {
        _store = store;
        _relay = relay;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Queues a command; waits only while the queue is full (back-pressure on busy sockets).</summary>
    public ValueTask SubmitAsync(ChatCommand command, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(command, cancellationToken);

    public async Task<ChatChangeResult> SetBlockedAsync(ChatId chat, MemberId member, bool blocked, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<ChatChangeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SubmitAsync(new SetBlocked(chat, member, blocked, reply), cancellationToken);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    public async Task<ChatChangeResult> LeaveAsync(ChatId chat, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<ChatChangeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await SubmitAsync(new Leave(chat, reply), cancellationToken);
        return await reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Returns once every change planned before it is durable (e.g. acknowledgements, before a backlog is read).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await SubmitAsync(new Flush(done), cancellationToken);
        await done.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (await WaitForCommandsAsync(reader, stoppingToken))
            {
                var count = 0;
                while (count < MaxBatch && reader.TryRead(out var command))
                {
                    count++;
                    if (command is Flush flush)
                    {
                        _flushes.Add(flush.Done);
                        continue;
                    }
                    try
                    {
                        await PlanAsync(command);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // Loading the chat failed (the store is unwell): refuse this command, keep the loop alive.
                        LogCommandFailed(e, command.GetType().Name);
                        Refuse(command, new ChatWriterStoppedException(e));
                    }
                }
                await CommitAndDeliverAsync(count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await CommitAndDeliverAsync(0, commitNow: true); // the acknowledgements still waiting
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var command))
            {
                Refuse(command, new ChatWriterStoppedException());
            }
        }
    }

    /// <summary>
    /// Waits for commands. While acknowledgements wait for a commit, waits only until they are due, and then
    /// returns true with nothing queued so that the loop commits them.
    /// <para>
    /// A delay that is still running is reused rather than a new one started for every wait: under a steady trickle
    /// of traffic most waits end with the next command long before the delay, and a fresh <c>Task.Delay</c> each time
    /// left hundreds of timers a second to fire for nothing (at 1,000 msgs/s, 590–770 wake-ups a second of the
    /// runtime's timer thread). A reused delay can only end early, never late: it was started for acknowledgements
    /// no younger than the ones waiting now, and the loop below starts a new one for whatever time remains.
    /// </para>
    /// </summary>
    private async ValueTask<bool> WaitForCommandsAsync(ChannelReader<ChatCommand> reader, CancellationToken stoppingToken)
    {
        if (_acknowledgedSince != 0)
        {
            _waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
            var due = AcknowledgementDelay - Stopwatch.GetElapsedTime(_acknowledgedSince);
            while (!_waiting.IsCompleted && due > TimeSpan.Zero)
            {
                stoppingToken.ThrowIfCancellationRequested(); // a cancelled delay completes at once: no spinning
                if (_acknowledgementTimer is not { IsCompleted: false })
                {
                    // Whole milliseconds, rounded up: a delay of under one would end at once, and the loop would spin.
                    _acknowledgementTimer = Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(due.TotalMilliseconds)), stoppingToken);
                }
                await Task.WhenAny(_waiting, _acknowledgementTimer);
                due = AcknowledgementDelay - Stopwatch.GetElapsedTime(_acknowledgedSince);
            }
            if (!_waiting.IsCompleted)
            {
                return true;
            }
        }
        if (_waiting is { } waiting)
        {
            _waiting = null;
            return await waiting;
        }
        return await reader.WaitToReadAsync(stoppingToken);
    }

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

    private async Task CommitAndDeliverAsync(int commands, bool commitNow = false)
    {
        commitNow |= _durable || _flushes.Count > 0
            || (_acknowledgedSince != 0 && Stopwatch.GetElapsedTime(_acknowledgedSince) >= AcknowledgementDelay);
        if (!commitNow)
        {
            // Only acknowledgements: answer them now, commit them later with other changes.
            DeliverAll();
            _outbox.Clear();
            _origins.Clear();
            return;
        }
        foreach (var chat in _touched)
        {
            _batch.Chats.Add(chat.Progress());
            chat.Touched = false;
        }
        foreach (var ((chat, party), upTo) in _acknowledged)
        {
            _batch.Acknowledgements.Add(new Acknowledgement(chat, party, upTo));
        }
        try
        {
            if (!_batch.IsEmpty)
            {
                var started = Stopwatch.GetTimestamp();
                await _store.CommitAsync(_batch, CancellationToken.None);
                LogBatchCommitted(commands, _batch.Envelopes.Count, _batch.Acknowledgements.Count,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            foreach (var chat in _touched)
            {
                if (chat.State != ChatState.Active)
                {
                    _chats.Remove(chat.Id);
                }
            }
            if (_chats.Count > MaxCachedChats)
            {
                _chats.Clear(); // safe: everything is committed, and a runtime reloads from its row and queued envelopes
            }
            DeliverAll();
            foreach (var flush in _flushes)
            {
                flush.TrySetResult();
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing of this batch is durable: forget the in-memory state (it is reloaded from the store), and
            // close the sockets whose sends were lost so that their clients reconnect and send again.
            LogBatchFailed(e, commands);
            _chats.Clear();
            foreach (var origin in _origins)
            {
                origin.CloseForServerError();
            }
            foreach (var outgoing in _outbox)
            {
                outgoing.Fail(e);
            }
            foreach (var flush in _flushes)
            {
                flush.TrySetException(new ChatWriterStoppedException(e));
            }
        }
        finally
        {
            _durable = false;
            _acknowledgedSince = 0;
            _flushes.Clear();
            _batch.Clear();
            _acknowledged.Clear();
            _touched.Clear();
            _outbox.Clear();
            _origins.Clear();
        }
    }

    /// <summary>Hands the batch's frames to the relay; sockets of closed chats close last, after every frame is queued.</summary>
    private void DeliverAll()
    {
        foreach (var outgoing in _outbox)
        {
            if (!outgoing.EndsGuest)
            {
                outgoing.Deliver(_relay);
            }
        }
        foreach (var outgoing in _outbox)
        {
            if (outgoing.EndsGuest)
            {
                outgoing.Deliver(_relay);
            }
        }
    }

    private async ValueTask<ChatRuntime?> GetChatAsync(ChatId id)
    {
        if (_chats.TryGetValue(id, out var chat))
        {
            return chat;
        }
        var record = await _store.FindAsync(id, CancellationToken.None);
        if (record is null)
        {
            return null;
        }
        chat = new ChatRuntime(record);
        foreach (var sent in (await _store.ReadRecentSendsAsync(id, 16, CancellationToken.None)).Reverse())
        {
            chat.Recent.Add(Other(sent.Recipient), sent.ClientId!, sent.Body, sent.Seq, sent.SentAt);
        }
        _chats[id] = chat;
        return chat;
    }

    private static void Refuse(ChatCommand command, Exception reason)
    {
        switch (command)
        {
            case SendEnvelope send:
                send.Origin.CloseForServerError();
                break;
            case SendEphemeral ephemeral:
                ephemeral.Origin.CloseForServerError();
                break;
            case Acknowledge ack:
                ack.Origin.CloseForServerError();
                break;
            case SetBlocked block:
                block.Reply.TrySetException(reason);
                break;
            case Leave leave:
                leave.Reply.TrySetException(reason);
                break;
            case Flush flush:
                flush.Done.TrySetException(reason);
                break;
        }
    }

    private static Party Other(Party party) => party == Party.Member ? Party.Guest : Party.Member;

    [LoggerMessage(1, LogLevel.Debug, "Committed {Commands} commands: {Envelopes} envelopes, {Acknowledgements} acknowledgements in {Milliseconds:F1} ms")]
    private partial void LogBatchCommitted(int commands, int envelopes, int acknowledgements, double milliseconds);

    [LoggerMessage(2, LogLevel.Error, "Committing a batch of {Commands} commands failed; their sockets are closed so clients resend")]
    private partial void LogBatchFailed(Exception exception, int commands);

    [LoggerMessage(5, LogLevel.Error, "A {Command} could not be applied; it is refused")]
    private partial void LogCommandFailed(Exception exception, string command);

    [LoggerMessage(3, LogLevel.Information, "Chat {ChatId} expired")]
    private partial void LogChatExpired(ChatId chatId);

    [LoggerMessage(4, LogLevel.Information, "Chat {ChatId} ended: the guest left")]
    private partial void LogChatEnded(ChatId chatId);

    /// <summary>Something to do once the batch is durable.</summary>
    private readonly struct Outgoing
    {
        private readonly ClientConnection? _connection;
        private readonly ChatRuntime? _chat;
        private readonly Party _party;
        private readonly ServerFrame? _frame;
        private readonly TaskCompletionSource<ChatChangeResult>? _reply;
        private readonly ChatChangeResult _result;
        private readonly bool _endGuest;

        private Outgoing(ClientConnection? connection, ChatRuntime? chat, Party party, ServerFrame? frame,
            TaskCompletionSource<ChatChangeResult>? reply, ChatChangeResult result, bool endGuest)
        {
            _connection = connection;
            _chat = chat;
            _party = party;
            _frame = frame;
            _reply = reply;
            _result = result;
            _endGuest = endGuest;
        }

        public static Outgoing ToConnection(ClientConnection connection, ServerFrame frame) =>
            new(connection, null, default, frame, null, default, false);

        public static Outgoing ToParty(ChatRuntime chat, Party party, ServerFrame frame) =>
            new(null, chat, party, frame, null, default, false);

        public static Outgoing EndGuest(ChatRuntime chat) => new(null, chat, Party.Guest, null, null, default, true);

        public static Outgoing Reply(TaskCompletionSource<ChatChangeResult> reply, ChatChangeResult result) =>
            new(null, null, default, null, reply, result, false);

        public bool EndsGuest => _endGuest;

        public void Deliver(IRelay relay)
        {
            if (_reply is not null)
            {
                _reply.TrySetResult(_result);
            }
            else if (_connection is not null)
            {
                _connection.TrySend(_frame!);
            }
            else if (_endGuest)
            {
                relay.EndGuestSockets(_chat!.Id);
            }
            else if (_party == Party.Member)
            {
                relay.SendToDevice(_chat!.DeviceId, _frame!);
            }
            else
            {
                relay.SendToGuest(_chat!.Id, _frame!);
            }
        }

        public void Fail(Exception reason) => _reply?.TrySetException(new ChatWriterStoppedException(reason));
    }
}

/// <summary>The chat writer could not apply a change (stopping, or the store failed); answered 503.</summary>
public sealed class ChatWriterStoppedException : Exception
{
    public ChatWriterStoppedException()
        : base("The chat writer is not running.")
    {
    }

    public ChatWriterStoppedException(Exception inner)
        : base("The chat store failed.", inner)
    {
    }

    public ChatWriterStoppedException(string message)
        : base(message)
    {
    }
}
