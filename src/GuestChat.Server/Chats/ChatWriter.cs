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
/// <para>
/// This file is the loop, the commit and the delivery; how each command changes the chats and what it will send is
/// in <c>ChatWriter.Planning.cs</c>, and what waits for the commit in <c>ChatWriter.Outgoing.cs</c>.
/// </para>
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

    [LoggerMessage(1, LogLevel.Debug, "Committed {Commands} commands: {Envelopes} envelopes, {Acknowledgements} acknowledgements in {Milliseconds:F1} ms")]
    private partial void LogBatchCommitted(int commands, int envelopes, int acknowledgements, double milliseconds);

    [LoggerMessage(2, LogLevel.Error, "Committing a batch of {Commands} commands failed; their sockets are closed so clients resend")]
    private partial void LogBatchFailed(Exception exception, int commands);

    [LoggerMessage(5, LogLevel.Error, "A {Command} could not be applied; it is refused")]
    private partial void LogCommandFailed(Exception exception, string command);
}
