using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using GuestChat.Protocol;

namespace GuestChat.Testing;

/// <summary>
/// A client WebSocket to GuestChat: a background loop reads every frame into a queue (and so also answers the
/// server's close), <see cref="NextAsync"/> takes them in order. Waits are bounded by a generous timeout only
/// so that a broken server fails a test instead of hanging it.
/// </summary>
public sealed class ChatSocket : IAsyncDisposable
{
    public static TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket;
    private readonly Channel<ServerFrame> _frames = Channel.CreateUnbounded<ServerFrame>();
    private readonly Task _reading;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    internal ChatSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = ReadLoopAsync();
    }

    public WebSocket Socket => _socket;

    /// <summary>Whether the server's <c>ping</c> frames are answered with <c>pong</c> (as the web app does) and hidden.</summary>
    public bool AnswerPings { get; set; } = true;

    /// <summary>Completes when the socket is closed (by either side) or broken; gives the close status if any.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan? wait = null)
    {
        await _reading.WaitAsync(wait ?? DefaultWait);
        return _socket.CloseStatus;
    }

    /// <summary>The next frame of any type.</summary>
    public async Task<ServerFrame> NextAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            return await _frames.Reader.ReadAsync(timeout.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The socket closed ({_socket.CloseStatus}) while a frame was expected.");
        }
    }

    /// <summary>The next frame, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> NextAsync<T>(TimeSpan? wait = null) where T : ServerFrame
    {
        var frame = await NextAsync(wait);
        return frame as T ?? throw new InvalidOperationException($"Expected a {typeof(T).Name}, got {frame}.");
    }

    /// <summary>Skips frames until a <typeparamref name="T"/> matching <paramref name="match"/> arrives.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? wait = null) where T : ServerFrame
    {
        while (true)
        {
            if (await NextAsync(wait) is T frame && (match is null || match(frame)))
            {
                return frame;
            }
        }
    }

    /// <summary>Frames already received and not yet taken.</summary>
    public IReadOnlyList<ServerFrame> Drain()
    {
        var list = new List<ServerFrame>();
        while (_frames.Reader.TryRead(out var frame))
        {
            list.Add(frame);
        }
        return list;
    }

    public Task SendAsync(ClientFrame frame) =>
        SendRawAsync(JsonSerializer.SerializeToUtf8Bytes(frame, GuestChatJsonContext.Default.ClientFrame));

    /// <summary>Stores an envelope: <c>send</c> of kind <c>stored</c>.</summary>
    public Task SendStoredAsync(ChatId chat, string clientId, byte[] body) =>
        SendAsync(new SendFrame(chat.Value, clientId, EnvelopeKinds.Stored, Base64UrlText.Encode(body)));

    public Task SendEphemeralAsync(ChatId chat, byte[] body) =>
        SendAsync(new SendFrame(chat.Value, "typing", EnvelopeKinds.Ephemeral, Base64UrlText.Encode(body)));

    public Task AckAsync(ChatId chat, long seq) => SendAsync(new AckFrame(chat.Value, seq));

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes normally and waits for the server's answer.</summary>
    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        await _reading.WaitAsync(DefaultWait);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await CloseAsync();
            }
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }
        _socket.Abort();
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    }
                    return;
                }
                var frame = JsonSerializer.Deserialize(buffer.AsSpan(0, count), GuestChatJsonContext.Default.ServerFrame);
                if (frame is ServerPingFrame && AnswerPings)
                {
                    await SendAsync(new ClientPongFrame()); // as the web app does; the test never sees it
                    continue;
                }
                await _frames.Writer.WriteAsync(frame!);
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
