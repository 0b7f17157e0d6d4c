using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Collections.Concurrent;

namespace GuestChat.Bench.Clients;

/// <summary>Receives the frames of every socket of a run (the relay measurement).</summary>
public interface IFrameHandler
{
    void OnFrame(BenchSocket socket, in IncomingFrame frame, long receivedTimestamp);
}

/// <summary>
/// One client WebSocket driven the way a real client drives it: one receive loop, sends one at a time in
/// order, and every stored <c>message</c> acknowledged as soon as it arrives (cumulatively: while one ack is
/// waiting to go out, a later one replaces it). To keep the generator light on a machine it shares with the
/// server, a send is written on the caller's thread when no other send is in progress (a socket write that
/// fits the kernel buffer completes at once); otherwise it queues behind the one in progress. The server's
/// <c>ping</c> frames are answered with <c>pong</c>, as the web app does.
/// </summary>
public sealed class BenchSocket : IAsyncDisposable
{
    private const long AckItem = -1;
    private const long PongItem = -2;
    private readonly ClientWebSocket _socket;
    private readonly IFrameHandler? _handler;
    private readonly byte[] _chatId;
    private readonly ConcurrentQueue<long> _outgoing = new();
    private readonly byte[] _sendBuffer = new byte[Frames.MaxSendFrameBytes];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _receiveBufferSize;
    private Task _receiving = Task.CompletedTask;
    private int _sending;
    private volatile bool _closed;
    private long _highestReceivedSeq;
    private long _ackedSeq;
    private int _ackQueued;

    private BenchSocket(ClientWebSocket socket, string chatId, IFrameHandler? handler, int receiveBufferSize)
    {
        _socket = socket;
        _chatId = Encoding.UTF8.GetBytes(chatId);
        _handler = handler;
        _receiveBufferSize = receiveBufferSize;
    }

    /// <summary>Completes when the server's <c>ready</c> frame arrived (after the backlog).</summary>
    public Task Ready => _ready.Task;

    /// <summary>The close status when the socket was closed by the server or failed; null while open.</summary>
    public string? Failure { get; private set; }

    public long FramesReceived { get; private set; }

    /// <summary>Opens the socket; <paramref name="chatId"/> is the chat this socket sends to (empty for idle sockets).</summary>
    public static async Task<BenchSocket> ConnectAsync(Uri uri, string origin, string? cookie, string chatId,
        IFrameHandler? handler, HttpMessageInvoker invoker, int receiveBufferSize, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // like a browser: it only answers pings
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (cookie is not null) socket.Options.SetRequestHeader("Cookie", cookie);
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken);
        }
        catch (WebSocketException exception) when (socket.HttpStatusCode != 0)
        {
            var status = (int)socket.HttpStatusCode;
            socket.Dispose();
            throw new SocketRefusedException(status, uri, exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var bench = new BenchSocket(socket, chatId, handler, receiveBufferSize);
        bench._receiving = Task.Run(bench.ReceiveLoopAsync, CancellationToken.None);
        return bench;
    }

    /// <summary>Queues a stored <c>send</c> of benchmark message <paramref name="index"/> to this socket's chat.</summary>
    public void Send(long index)
    {
        _outgoing.Enqueue(index);
        StartSending();
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, grace.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is going away either way.
        }
        await _stop.CancelAsync();
        _socket.Abort();
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[_receiveBufferSize];
        ArrayBufferWriter<byte>? assembled = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Failure = $"closed {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}";
                    break;
                }
                if (result.EndOfMessage && (assembled is null || assembled.WrittenCount == 0))
                {
                    OnFrame(buffer.AsSpan(0, result.Count));
                    continue;
                }
                assembled ??= new ArrayBufferWriter<byte>();
                assembled.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage) continue;
                OnFrame(assembled.WrittenSpan);
                assembled.ResetWrittenCount();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped by the benchmark.
        }
        catch (WebSocketException exception)
        {
            if (!_stop.IsCancellationRequested) Failure = $"failed: {exception.WebSocketErrorCode}";
        }
        _ready.TrySetException(new InvalidOperationException($"The socket closed before ready: {Failure}"));
    }

    private void OnFrame(ReadOnlySpan<byte> json)
    {
        FramesReceived++;
        var received = System.Diagnostics.Stopwatch.GetTimestamp();
        var frame = Frames.Read(json);
        switch (frame.Type)
        {
            case FrameType.Ready:
                _ready.TrySetResult();
                break;
            case FrameType.Ping:
                _outgoing.Enqueue(PongItem);
                StartSending();
                break;
            case FrameType.Message:
                // A real client stores the message, then acknowledges everything up to its seq.
                if (frame.Seq > _highestReceivedSeq) Volatile.Write(ref _highestReceivedSeq, frame.Seq);
                if (Interlocked.Exchange(ref _ackQueued, 1) == 0)
                {
                    _outgoing.Enqueue(AckItem);
                    StartSending();
                }
                break;
        }
        _handler?.OnFrame(this, frame, received);
    }

    /// <summary>Becomes the sender unless a send is in progress (that one will take the queued item too).</summary>
    private void StartSending()
    {
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0) _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                while (!_closed && _outgoing.TryDequeue(out var item))
                {
                    int length;
                    if (item == AckItem)
                    {
                        Volatile.Write(ref _ackQueued, 0);
                        var seq = Volatile.Read(ref _highestReceivedSeq);
                        if (seq <= _ackedSeq) continue;
                        _ackedSeq = seq;
                        length = Frames.WriteAck(_sendBuffer, _chatId, seq);
                    }
                    else if (item == PongItem)
                    {
                        length = Frames.Pong.Length;
                        Frames.Pong.CopyTo(_sendBuffer);
                    }
                    else
                    {
                        length = Frames.WriteSend(_sendBuffer, _chatId, item);
                    }
                    await _socket.SendAsync(_sendBuffer.AsMemory(0, length), WebSocketMessageType.Text, true, _stop.Token);
                }
                Volatile.Write(ref _sending, 0);
                if (_closed || _outgoing.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The socket closed; the receive loop records why.
        }
    }
}

/// <summary>The server answered the upgrade request with an HTTP status instead of switching protocols.</summary>
public sealed class SocketRefusedException(int status, Uri uri, Exception inner)
    : Exception($"{uri.AbsolutePath} answered {status} instead of upgrading to a WebSocket.", inner)
{
    public int Status { get; } = status;
}
