using System.Net.WebSockets;
using System.Text.Json;
using GuestChat.Protocol;
using GuestChat.Server.Chats;

namespace GuestChat.Server.Realtime;

public sealed partial class ClientConnection
{
    /// <summary>Real time, not the injected clock: how long a peer may take to answer a close is a transport matter.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

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
    /// Writes one frame. No cancellation token: the socket is aborted instead, and a non-cancellable send takes
    /// the WebSocket's fast path (no registration, no extra state machine).
    /// </summary>
    private ValueTask WriteAsync(ServerFrame frame)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, GuestChatJsonContext.Default.ServerFrame);
        return _socket.SendAsync(bytes, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
    }

    [LoggerMessage(1, LogLevel.Warning, "Closing a {Party} socket whose send queue is full")]
    private static partial void LogQueueOverflow(ILogger logger, Party party);
}
