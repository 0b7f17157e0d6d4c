using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using GuestChat.Protocol;
using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;

namespace GuestChat.Server.Realtime;

/// <summary>
/// One client's WebSocket: a receive loop that parses frames and hands them to <see cref="ChatWriter"/>, and a
/// send path. A frame is written at once on the calling thread (the chat writer's, after its commit) when
/// nothing is queued and no write is in progress, which saves a thread hop per frame; otherwise it goes to a
/// bounded channel that a send loop drains in order. The server closes with a close frame, waits a little for
/// the client's, then aborts. Memory per idle socket stays small: the receive loop waits with a zero-byte read
/// and rents a buffer only while a message is arriving.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The send lock is a SemaphoreSlim used only through Wait(0) and WaitAsync: it never creates a wait handle, so there is nothing to dispose.")]
public sealed partial class ClientConnection
{
    /// <summary>Real time, not the injected clock: how long a peer may take to answer a close is a transport matter.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private const int InitialReceiveBuffer = 4_096;
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    private readonly WebSocket _socket;
    private readonly Channel<ServerFrame> _outbox;
    private readonly ChatWriter _writer;
    private readonly SendBudget _budget;
    private readonly LimitOptions _limits;
    private readonly ILogger _logger;
    private readonly Lock _closeLock = new();

    /// <summary>Held by whoever writes to the socket: the backlog, a direct write, or the send loop.</summary>
    private readonly SemaphoreSlim _writing = new(0, 1);
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

    public ClientConnection(WebSocket socket, Peer peer, SocketUpgrade upgrade, ChatWriter writer, SendBudget budget, LimitOptions limits, ILogger logger)
    {
        _socket = socket;
        Peer = peer;
        Upgrade = upgrade;
        _writer = writer;
        _budget = budget;
        _limits = limits;
        _logger = logger;
        _outbox = Channel.CreateBounded<ServerFrame>(new BoundedChannelOptions(limits.SocketQueueLength)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public Peer Peer { get; }

    /// <summary>Which path upgraded the socket (for diagnostics and tests).</summary>
    public SocketUpgrade Upgrade { get; }

    /// <summary>
    /// Writes a frame now if nothing is queued before it and no write is in progress, else queues it; a client
    /// that lets the queue fill up is closed with 1013 (it resumes from its backlog).
    /// </summary>
    public bool TrySend(ServerFrame frame)
    {
        if (_outbox.Reader.Count == 0 && _writing.Wait(0))
        {
            if (Volatile.Read(ref _closing) || AlreadySent(frame))
            {
                _writing.Release();
                return false;
            }
            WriteDirectly(frame);
            return true;
        }
        if (_outbox.Writer.TryWrite(frame))
        {
            return true;
        }
        if (!Volatile.Read(ref _closing))
        {
            LogQueueOverflow(Peer.Party);
            Close(TryAgainLater, "too slow", dropQueued: true);
        }
        return false;
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

    private void Close(WebSocketCloseStatus status, string reason, bool dropQueued)
    {
        lock (_closeLock)
        {
            if (_closing)
            {
                return;
            }
            _closing = true;
            _closeStatus = status;
            _closeReason = reason;
            _dropQueued = dropQueued;
        }
        _outbox.Writer.TryComplete();
    }

    private void WriteDirectly(ServerFrame frame)
    {
        ValueTask write;
        try
        {
            write = WriteAsync(frame);
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            _writing.Release();
            return; // the socket is failing: the receive loop ends the connection
        }
        if (write.IsCompletedSuccessfully)
        {
            _writing.Release();
        }
        else
        {
            _ = FinishWriteAsync(write);
        }
    }

    private async Task FinishWriteAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            // the socket is failing: the receive loop ends the connection
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>How a write to a closing, aborted or reset socket fails.</summary>
    private static bool IsSocketFailure(Exception e) =>
        e is WebSocketException or InvalidOperationException or IOException or ObjectDisposedException;

    /// <summary>A live message the backlog already carried (it was committed before the backlog was read).</summary>
    private bool AlreadySent(ServerFrame frame) =>
        frame is MessageFrame message && _backlogSent is not null
        && _backlogSent.TryGetValue(message.ChatId, out var sent) && message.Seq <= sent;

    /// <summary>Runs the connection: backlog, <c>ready</c>, then both loops until the socket closes.</summary>
    public async Task RunAsync(IChatStore store, CancellationToken aborted)
    {
        // One registration for the connection's life, rather than one per read and write.
        using var abort = aborted.Register(static socket => ((WebSocket)socket!).Abort(), _socket);
        try
        {
            // The send lock starts taken: live frames wait in the channel until the backlog and ready are out.
            await SendBacklogAsync(store, aborted);
            await WriteAsync(new ReadyFrame());
            var receiving = ReceiveLoopAsync(aborted);
            var sending = SendLoopAsync();
            if (await Task.WhenAny(receiving, sending) == receiving)
            {
                // The client closed (or the read failed): answer the close once queued frames are out.
                Close(WebSocketCloseStatus.NormalClosure, "", dropQueued: false);
                await WaitOrAbortAsync(sending);
            }
            else
            {
                // The server closed: give the client a moment to answer, then abort.
                await WaitOrAbortAsync(receiving);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            _socket.Abort();
        }
        finally
        {
            Volatile.Write(ref _ended, true);
        }
    }

    private async Task WaitOrAbortAsync(Task loop)
    {
        if (await Task.WhenAny(loop, Task.Delay(CloseTimeout)) != loop)
        {
            _socket.Abort();
        }
        try
        {
            await loop;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // aborted or reset: nothing left to do
        }
    }

    private async Task SendBacklogAsync(IChatStore store, CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken); // acknowledgements still waiting for a commit, so none is sent again
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
                // Live frames queued meanwhile may repeat these: the send loop skips them.
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
            await _writer.SubmitAsync(new ExpireIfIdle(chat.Id), cancellationToken);
        }
    }

    /// <summary>Drains the channel in order; it holds the send lock from the start (taken for the backlog).</summary>
    private async Task SendLoopAsync()
    {
        var reader = _outbox.Reader;
        var holding = true;
        try
        {
            while (true)
            {
                if (holding && reader.Count == 0)
                {
                    _writing.Release(); // nothing queued: let frames be written directly
                    holding = false;
                }
                if (!await reader.WaitToReadAsync())
                {
                    break;
                }
                if (!holding)
                {
                    await _writing.WaitAsync();
                    holding = true;
                }
                while (!Volatile.Read(ref _dropQueued) && reader.TryRead(out var frame))
                {
                    if (!AlreadySent(frame))
                    {
                        await WriteAsync(frame);
                    }
                }
                if (Volatile.Read(ref _dropQueued))
                {
                    break;
                }
            }
            if (!holding)
            {
                await _writing.WaitAsync(); // let a direct write in progress finish before the close frame
                holding = true;
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, timeout.Token);
            }
        }
        finally
        {
            // Closed: direct writes stop at the closing flag; keep the lock so none starts after the close frame.
            Volatile.Write(ref _closing, true);
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

    /// <summary>Reads and handles frames; reads take no token (the socket is aborted instead, see RunAsync).</summary>
    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wait for the next message without holding a buffer.
            var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
            Volatile.Write(ref _lastHeard, Environment.TickCount64);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
            var message = new IncomingMessage(ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer), peek.MessageType);
            try
            {
                if (!(peek.EndOfMessage && peek.Count == 0) && !await ReadToEndAsync(message))
                {
                    return; // the client closed mid-message
                }
                if (Volatile.Read(ref _closing))
                {
                    continue; // closing: read and discard until the client's close arrives
                }
                if (message.TooLarge)
                {
                    LogFrameRefused("too-large", message.Count);
                    Close(WebSocketCloseStatus.MessageTooBig, "frame too large", dropQueued: true);
                    continue;
                }
                await HandleAsync(message.Buffer.AsMemory(0, message.Count), message.Type, cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message.Buffer);
            }
        }
    }

    /// <summary>Reads the rest of a message, growing the rented buffer up to the frame limit; beyond it, discards.</summary>
    private async Task<bool> ReadToEndAsync(IncomingMessage message)
    {
        while (true)
        {
            if (message.Count == message.Buffer.Length)
            {
                if (message.Buffer.Length > _limits.MaxFrameBytes)
                {
                    message.TooLarge = true;
                    message.Count = 0; // keep reading to the end of the message, into the same buffer
                }
                else
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(message.Buffer.Length * 2, _limits.MaxFrameBytes + 1));
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
                message.TooLarge |= message.Count > _limits.MaxFrameBytes;
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
                    await _writer.SubmitAsync(new Acknowledge(ackChat, this, ack.Seq), cancellationToken);
                }
                break;
            case PingFrame:
                TrySend(new PongFrame());
                break;
            case ClientPongFrame:
                break; // heard: that is all a pong is for
            default:
                LogFrameRefused(ErrorCodes.InvalidFrame, message.Length);
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
            : size > _limits.MaxEnvelopeBytes ? ErrorCodes.BodyTooLarge
            : !_budget.TryTake() ? ErrorCodes.RateLimited
            : null;
        if (refusal is not null)
        {
            LogFrameRefused(refusal, size);
            TrySend(new ErrorFrame(refusal, send.ClientId, chat));
            return;
        }
        ChatCommand command = send.Kind == EnvelopeKinds.Stored
            ? new SendEnvelope(chat, this, send.ClientId, Base64UrlText.DecodeChecked(send.Body))
            : new SendEphemeral(chat, this, send.Body);
        await _writer.SubmitAsync(command, cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Closing a {Party} socket whose send queue is full")]
    private partial void LogQueueOverflow(Party party);

    [LoggerMessage(2, LogLevel.Debug, "Refused a frame: {Reason} ({Size} bytes)")]
    private partial void LogFrameRefused(string reason, int size);
}
