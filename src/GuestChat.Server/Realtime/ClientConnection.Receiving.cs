using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using GuestChat.Protocol;
using GuestChat.Server.Chats;

namespace GuestChat.Server.Realtime;

public sealed partial class ClientConnection
{
    private const int InitialReceiveBuffer = 4_096;

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

    [LoggerMessage(2, LogLevel.Debug, "Refused a frame: {Reason} ({Size} bytes)")]
    private static partial void LogFrameRefused(ILogger logger, string reason, int size);
}
