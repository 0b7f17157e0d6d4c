using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using GuestChat.Protocol;
using GuestChat.Server.Chats;

namespace GuestChat.Server.Realtime;

/// <summary>
/// One client's WebSocket: a receive loop that parses frames and hands them to <see cref="ChatWriter"/>, and a
/// send path. A frame is written at once on the calling thread (the chat writer's, after its commit) when no
/// write is in progress, which saves a thread hop per frame; otherwise it waits in a queue, in order, and a
/// drain on the thread pool writes what queued. The server closes with a close frame, and aborts if the client
/// has not answered it within <see cref="CloseTimeout"/>.
/// <para>
/// Memory per idle socket stays small: the receive loop waits with a zero-byte read and rents a buffer only while
/// a message is arriving, and nothing on the send side exists while nothing is waiting to be written (the queue
/// is made when a frame must wait, dropped once empty, and the drain runs only while frames wait). A channel and a
/// send loop waiting on it held about 1 KB per socket. An idle socket waits in one method of ours
/// (<see cref="RunAsync"/>), whose state is the only one it keeps; what all sockets share is one reference
/// (<see cref="RealtimeServices"/>), and the send budget is a struct within.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The close's deadline is made by Close and disposed when RunAsync ends, which every connection goes through.")]
public sealed partial class ClientConnection
{
    /// <summary>Real time, not the injected clock: how long a peer may take to answer a close is a transport matter.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private const int InitialReceiveBuffer = 4_096;
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly WebSocket _socket;
    private readonly RealtimeServices _services;
    private SendBudget _budget;

    /// <summary>Guards the send side's state below.</summary>
    private readonly Lock _sendLock = new();

    /// <summary>
    /// Someone holds the right to write to the socket: the backlog (from the start), a direct write, or a drain.
    /// After the close frame, or a failed write, it is never given back: nothing more is written.
    /// </summary>
    private bool _writing = true;

    /// <summary>Frames waiting behind the write in progress, in order (made when one must wait, dropped once empty).</summary>
    private Queue<ServerFrame>? _queued;

    /// <summary>Set by <see cref="Close"/>: completes once the close frame is written, or the socket failed.</summary>
    private TaskCompletionSource? _closeSent;

    /// <summary>Set by <see cref="Close"/>: aborts the socket when the close has not completed in time.</summary>
    private CancellationTokenSource? _closeDeadline;
    private Dictionary<ChatId, long>? _backlogSent;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";
    private bool _closing;
    private bool _dropQueued;

    /// <summary>This socket's share of the heartbeat's stagger (<see cref="ConnectionHeartbeat.PingAfter"/>), drawn once.</summary>
    private readonly byte _pingStagger = (byte)Random.Shared.Next(256);

    /// <summary>When anything last arrived from the client (<see cref="Environment.TickCount64"/>); the receive loop's.</summary>
    private long _lastHeard = Environment.TickCount64;

    /// <summary>When the heartbeat pinged and has had no answer yet, or 0; only the heartbeat's rounds touch it.</summary>
    private long _pingedAt;

    /// <summary>Set when <see cref="RunAsync"/> has finished: the heartbeat stops watching at its next look.</summary>
    private bool _ended;

    public ClientConnection(WebSocket socket, Peer peer, SocketUpgrade upgrade, RealtimeServices services)
    {
        _socket = socket;
        Peer = peer;
        Upgrade = upgrade;
        _services = services;
        _budget = new SendBudget(services.SendsPerSocket, services.Clock);
    }

    public Peer Peer { get; }

    /// <summary>Which path upgraded the socket (for diagnostics and tests).</summary>
    public SocketUpgrade Upgrade { get; }

    /// <summary>
    /// Writes a frame now if no write is in progress (then nothing is queued either), else queues it; a client
    /// that lets the queue fill up is closed with 1013 (it resumes from its backlog).
    /// </summary>
    public bool TrySend(ServerFrame frame)
    {
        var full = false;
        lock (_sendLock)
        {
            if (_closing)
            {
                return false;
            }
            if (!_writing)
            {
                _writing = true; // taken: written below, on this thread
            }
            else if ((_queued ??= new Queue<ServerFrame>()).Count < _services.Limits.SocketQueueLength)
            {
                _queued.Enqueue(frame);
                return true;
            }
            else
            {
                full = true;
            }
        }
        if (full)
        {
            LogQueueOverflow(_services.Logger, Peer.Party);
            Close(TryAgainLater, "too slow", dropQueued: true);
            return false;
        }
        if (AlreadySent(frame))
        {
            WriteDone();
            return false;
        }
        WriteDirectly(frame);
        return true;
    }

    /// <summary>
    /// One heartbeat look at this socket: pings a client silent for its share of <paramref name="interval"/> ms, and
    /// aborts the socket when nothing has arrived within <paramref name="timeout"/> ms of the ping. While the socket
    /// is watched, <paramref name="next"/> is when to look again: when the ping falls due, when the answer's time is
    /// up, or at once (the next round) when a ping could not be queued.
    /// </summary>
    internal Liveness CheckAlive(long now, long interval, long timeout, out long next)
    {
        next = now;
        if (Volatile.Read(ref _ended))
        {
            return Liveness.Ended;
        }
        var heard = Volatile.Read(ref _lastHeard);
        if (_pingedAt != 0 && heard >= _pingedAt)
        {
            _pingedAt = 0; // answered
        }
        if (_pingedAt == 0)
        {
            var due = heard + PingAfter(interval);
            if (now < due)
            {
                next = due;
            }
            else if (TrySend(ServerPingFrame.Instance))
            {
                _pingedAt = now;
                next = now + timeout;
            }
            return Liveness.Watched;
        }
        if (now - _pingedAt < timeout)
        {
            next = _pingedAt + timeout;
            return Liveness.Watched;
        }
        _socket.Abort(); // the receive loop fails and the connection ends as for a reset
        return Liveness.Aborted;
    }

    /// <summary>After how many milliseconds of silence this socket is pinged (its own share of <paramref name="interval"/>).</summary>
    internal long PingAfter(long interval) => ConnectionHeartbeat.PingAfter(interval, _pingStagger);

    /// <summary>Closes normally once the frames already queued are written (the guest's chat closed).</summary>
    public void CloseWhenSent() => Close(WebSocketCloseStatus.NormalClosure, "chat closed", dropQueued: false);

    /// <summary>Closes with 1011 at once: a send of this socket was not stored, the client should reconnect and resend.</summary>
    public void CloseForServerError() => Close(WebSocketCloseStatus.InternalServerError, "server error", dropQueued: true);

    /// <summary>Closes with 1001 (the server is stopping).</summary>
    public void CloseForShutdown() => Close(WebSocketCloseStatus.EndpointUnavailable, "server stopping", dropQueued: true);

    /// <summary>
    /// Closes once: the frames already queued are written first unless <paramref name="dropQueued"/>, then the close
    /// frame; if that and the client's answer take longer than <see cref="CloseTimeout"/>, the socket is aborted.
    /// </summary>
    private void Close(WebSocketCloseStatus status, string reason, bool dropQueued)
    {
        lock (_sendLock)
        {
            if (_closing)
            {
                return;
            }
            _closing = true;
            _closeStatus = status;
            _closeReason = reason;
            _dropQueued = dropQueued;
            _closeSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _closeDeadline = new CancellationTokenSource(CloseTimeout);
            _closeDeadline.Token.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), _socket);
            if (_writing)
            {
                return; // the write in progress, or the backlog, hands over to a drain that ends with the close frame
            }
            _writing = true;
        }
        StartDrain();
    }

    /// <summary>Writes a frame on this thread, holding the write; a write that cannot complete at once goes on in a drain.</summary>
    private void WriteDirectly(ServerFrame frame)
    {
        ValueTask write;
        try
        {
            write = WriteAsync(frame);
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            StopWriting();
            return;
        }
        if (write.IsCompletedSuccessfully)
        {
            WriteDone();
        }
        else
        {
            _ = DrainAsync(write);
        }
    }

    /// <summary>
    /// The holder of the write finished on its own thread: it lets go, unless frames queued meanwhile or a close is
    /// waiting, which a drain on the thread pool then takes on (never the caller: it may be the chat writer).
    /// </summary>
    private void WriteDone()
    {
        lock (_sendLock)
        {
            if (!_closing && _queued is not { Count: > 0 })
            {
                _queued = null;
                _writing = false;
                return;
            }
        }
        StartDrain();
    }

    private void StartDrain() => ThreadPool.UnsafeQueueUserWorkItem(static connection => _ = connection.DrainAsync(default), this, preferLocal: false);

    /// <summary>
    /// Holding the write: finishes <paramref name="pending"/>, writes the queued frames in order, then lets go; or,
    /// when the socket is closing, writes the close frame and keeps the write, so that nothing follows it.
    /// </summary>
    private async Task DrainAsync(ValueTask pending)
    {
        try
        {
            await pending;
            while (true)
            {
                ServerFrame? frame;
                lock (_sendLock)
                {
                    if (!_dropQueued && _queued is { Count: > 0 } queued)
                    {
                        frame = queued.Dequeue();
                    }
                    else
                    {
                        _queued = null;
                        if (!_closing)
                        {
                            _writing = false;
                            return;
                        }
                        break;
                    }
                }
                if (!AlreadySent(frame))
                {
                    await WriteAsync(frame);
                }
            }
            // Closing, or stopped after a failure (no close frame then: the socket is aborted).
            if (_closeDeadline is { } deadline && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, deadline.Token);
            }
            _closeSent?.TrySetResult();
        }
        catch (Exception e) when (IsSocketFailure(e) || e is OperationCanceledException)
        {
            StopWriting();
        }
    }

    /// <summary>A write failed, or the connection ended: nothing more is queued or written, and a close waits no longer.</summary>
    private void StopWriting()
    {
        TaskCompletionSource? closeSent;
        lock (_sendLock)
        {
            _closing = true;
            _dropQueued = true;
            _queued = null;
            closeSent = _closeSent;
        }
        closeSent?.TrySetResult();
    }

    /// <summary>How a write to a closing, aborted or reset socket fails.</summary>
    private static bool IsSocketFailure(Exception e) =>
        e is WebSocketException or InvalidOperationException or IOException or ObjectDisposedException;

    /// <summary>A live message the backlog already carried (it was committed before the backlog was read).</summary>
    private bool AlreadySent(ServerFrame frame) =>
        frame is MessageFrame message && _backlogSent is not null
        && _backlogSent.TryGetValue(message.ChatId, out var sent) && message.Seq <= sent;

    /// <summary>
    /// Runs the connection until the socket closes: registered with the relay and the heartbeat, it sends the
    /// backlog and <c>ready</c>, then handles frames as they arrive. <paramref name="aborted"/> fires when the
    /// connection is gone. The receive loop is here, not in a method of its own, so that an idle socket's wait
    /// holds this one state machine rather than a chain of them.
    /// </summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        var relay = _services.Relay;
        relay.Register(this);
        _services.Heartbeat.Watch(this);
        LogConnected(_services.Logger, Peer.Party, Upgrade, relay.ConnectedCount);
        // One registration for the connection's life, rather than one per read and write.
        using var abort = aborted.UnsafeRegister(static socket => ((WebSocket)socket!).Abort(), _socket);
        try
        {
            // The write starts taken: live frames queue until the backlog and ready are out.
            await SendBacklogAsync(aborted);
            await WriteAsync(new ReadyFrame());
            WriteDone();
            // Until the client closes, or answers the server's close (the close's deadline aborts a silent one).
            while (true)
            {
                // Wait for the next message without holding a buffer. Reads take no token: the socket is aborted instead.
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
                Volatile.Write(ref _lastHeard, Environment.TickCount64);
                if (peek.MessageType == WebSocketMessageType.Close || !await ReadMessageAsync(peek, aborted))
                {
                    break;
                }
            }
            // The client closed: answer it once the queued frames are out.
            Close(WebSocketCloseStatus.NormalClosure, "", dropQueued: false);
            if (_closeSent is { } closeSent)
            {
                await closeSent.Task; // or the socket failed, or the close's deadline aborted it
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            _socket.Abort();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // After the upgrade there is no response to write: log the kind of failure and drop the socket.
            LogSocketFailed(_services.Logger, e, Peer.Party);
            _socket.Abort();
        }
        finally
        {
            StopWriting();
            _closeDeadline?.Dispose();
            Volatile.Write(ref _ended, true);
            relay.Unregister(this);
            LogDisconnected(_services.Logger, Peer.Party, _socket.CloseStatus);
        }
    }

    private async Task SendBacklogAsync(CancellationToken cancellationToken)
    {
        var store = _services.Store;
        await _services.Writer.FlushAsync(cancellationToken); // acknowledgements still waiting for a commit, so none is sent again
        IReadOnlyList<ChatRecord> chats = Peer.Party == Party.Member
            ? await store.ListActiveForDeviceAsync(Peer.Device, cancellationToken)
            : await store.FindAsync(Peer.GuestChat, cancellationToken) is { State: ChatState.Active } own ? [own] : [];
        foreach (var chat in chats)
        {
            var last = 0L;
            await foreach (var envelope in store.ReadQueuedAsync(chat.Id, Peer.Party, cancellationToken))
            {
                await WriteAsync(new MessageFrame(chat.Id, envelope.Seq, envelope.Body, envelope.SentAt));
                last = envelope.Seq;
            }
            if (last > 0)
            {
                // Live frames queued meanwhile may repeat these: whoever writes them skips them (AlreadySent).
                (_backlogSent ??= [])[chat.Id] = last;
            }
            var delivered = Peer.Party == Party.Member
                ? chat.GuestAckedSeq
                : ChatViews.GuestDelivered(chat.MemberAckedSeq, chat.FirstDiscardedSeq);
            if (delivered > 0)
            {
                await WriteAsync(new DeliveredFrame(chat.Id, delivered));
            }
            // A chat idle past its time expires now rather than at the next sweep.
            await _services.Writer.SubmitAsync(new ExpireIfIdle(chat.Id), cancellationToken);
        }
    }

    /// <summary>
    /// Writes one frame. No cancellation token: the socket is aborted instead, and a non-cancellable send takes
    /// the WebSocket's fast path (no registration, no extra state machine).
    /// </summary>
    private ValueTask WriteAsync(ServerFrame frame)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, GuestChatJsonContext.Default.ServerFrame);
        return _socket.SendAsync(bytes, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
    }

    /// <summary>
    /// Reads and handles the message whose arrival <paramref name="peek"/> announced; false when the client closed
    /// in the middle of it.
    /// </summary>
    private async Task<bool> ReadMessageAsync(ValueWebSocketReceiveResult peek, CancellationToken cancellationToken)
    {
        var message = new IncomingMessage(ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer), peek.MessageType);
        try
        {
            if (!(peek.EndOfMessage && peek.Count == 0) && !await ReadToEndAsync(message))
            {
                return false;
            }
            if (Volatile.Read(ref _closing))
            {
                return true; // closing: read and discard until the client's close arrives
            }
            if (message.TooLarge)
            {
                LogFrameRefused(_services.Logger, "too-large", message.Count);
                Close(WebSocketCloseStatus.MessageTooBig, "frame too large", dropQueued: true);
                return true;
            }
            await HandleAsync(message.Buffer.AsMemory(0, message.Count), message.Type, cancellationToken);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message.Buffer);
        }
    }

    /// <summary>Reads the rest of a message, growing the rented buffer up to the frame limit; beyond it, discards.</summary>
    private async Task<bool> ReadToEndAsync(IncomingMessage message)
    {
        while (true)
        {
            if (message.Count == message.Buffer.Length)
            {
                if (message.Buffer.Length > _services.Limits.MaxFrameBytes)
                {
                    message.TooLarge = true;
                    message.Count = 0; // keep reading to the end of the message, into the same buffer
                }
                else
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(message.Buffer.Length * 2, _services.Limits.MaxFrameBytes + 1));
                    message.Buffer.AsSpan(0, message.Count).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(message.Buffer);
                    message.Buffer = larger;
                }
            }
            var result = await _socket.ReceiveAsync(message.Buffer.AsMemory(message.Count), CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }
            message.Count += result.Count;
            if (result.EndOfMessage)
            {
                message.TooLarge |= message.Count > _services.Limits.MaxFrameBytes;
                return true;
            }
        }
    }

    private sealed class IncomingMessage(byte[] buffer, WebSocketMessageType type)
    {
        public byte[] Buffer { get; set; } = buffer;
        public int Count { get; set; }
        public WebSocketMessageType Type { get; } = type;
        public bool TooLarge { get; set; }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        ClientFrame? frame = null;
        if (type == WebSocketMessageType.Text)
        {
            try
            {
                frame = JsonSerializer.Deserialize(message.Span, GuestChatJsonContext.Default.ClientFrame);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
            }
        }
        switch (frame)
        {
            case SendFrame send when ValidSend(send):
                await HandleSendAsync(send, cancellationToken);
                break;
            case AckFrame ack:
                if (!ChatId.TryParse(ack.ChatId, out var ackChat))
                {
                    TrySend(new ErrorFrame(ErrorCodes.ChatNotFound));
                }
                else if (ack.Seq > 0)
                {
                    await _services.Writer.SubmitAsync(new Acknowledge(ackChat, this, ack.Seq), cancellationToken);
                }
                break;
            case PingFrame:
                TrySend(new PongFrame());
                break;
            case ClientPongFrame:
                break; // heard: that is all a pong is for
            default:
                LogFrameRefused(_services.Logger, ErrorCodes.InvalidFrame, message.Length);
                TrySend(new ErrorFrame(ErrorCodes.InvalidFrame));
                Close(WebSocketCloseStatus.InvalidPayloadData, "invalid frame", dropQueued: false);
                break;
        }
    }

    private static bool ValidSend(SendFrame send) =>
        send.ClientId.Length is > 0 and <= Limits.ClientIdMaxLength
        && send.Kind is EnvelopeKinds.Stored or EnvelopeKinds.Ephemeral;

    private async Task HandleSendAsync(SendFrame send, CancellationToken cancellationToken)
    {
        if (!ChatId.TryParse(send.ChatId, out var chat))
        {
            TrySend(new ErrorFrame(ErrorCodes.ChatNotFound, send.ClientId));
            return;
        }
        var size = Base64UrlText.DecodedLength(send.Body);
        var refusal = size < 1 ? ErrorCodes.InvalidBody
            : size > _services.Limits.MaxEnvelopeBytes ? ErrorCodes.BodyTooLarge
            : !_budget.TryTake(_services.SendsPerSocket, _services.Clock) ? ErrorCodes.RateLimited
            : null;
        if (refusal is not null)
        {
            LogFrameRefused(_services.Logger, refusal, size);
            TrySend(new ErrorFrame(refusal, send.ClientId, chat));
            return;
        }
        ChatCommand command = send.Kind == EnvelopeKinds.Stored
            ? new SendEnvelope(chat, this, send.ClientId, Base64UrlText.DecodeChecked(send.Body))
            : new SendEphemeral(chat, this, send.Body);
        await _services.Writer.SubmitAsync(command, cancellationToken);
    }

    [LoggerMessage(3, LogLevel.Debug, "A {Party} socket connected, upgraded by the {Upgrade} path ({Connected} connected)")]
    private static partial void LogConnected(ILogger logger, Party party, SocketUpgrade upgrade, int connected);

    [LoggerMessage(4, LogLevel.Error, "A {Party} socket failed and was aborted")]
    private static partial void LogSocketFailed(ILogger logger, Exception exception, Party party);

    [LoggerMessage(5, LogLevel.Debug, "A {Party} socket closed with {CloseStatus}")]
    private static partial void LogDisconnected(ILogger logger, Party party, WebSocketCloseStatus? closeStatus);

    [LoggerMessage(1, LogLevel.Warning, "Closing a {Party} socket whose send queue is full")]
    private static partial void LogQueueOverflow(ILogger logger, Party party);

    [LoggerMessage(2, LogLevel.Debug, "Refused a frame: {Reason} ({Size} bytes)")]
    private static partial void LogFrameRefused(ILogger logger, string reason, int size);
}
