using System.Net.WebSockets;
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
/// <para>
/// This file runs the connection and answers the heartbeat; the send path is in <c>ClientConnection.Sending.cs</c>,
/// the reading and handling of each message in <c>ClientConnection.Receiving.cs</c>.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "The close's deadline is made by Close and disposed when RunAsync ends, which every connection goes through.")]
public sealed partial class ClientConnection
{
    private readonly WebSocket _socket;
    private readonly RealtimeServices _services;
    private SendBudget _budget;

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

    [LoggerMessage(3, LogLevel.Debug, "A {Party} socket connected, upgraded by the {Upgrade} path ({Connected} connected)")]
    private static partial void LogConnected(ILogger logger, Party party, SocketUpgrade upgrade, int connected);

    [LoggerMessage(4, LogLevel.Error, "A {Party} socket failed and was aborted")]
    private static partial void LogSocketFailed(ILogger logger, Exception exception, Party party);

    [LoggerMessage(5, LogLevel.Debug, "A {Party} socket closed with {CloseStatus}")]
    private static partial void LogDisconnected(ILogger logger, Party party, WebSocketCloseStatus? closeStatus);
}
