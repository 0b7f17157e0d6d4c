using System.Buffers;
using System.IO.Pipelines;

namespace GuestChat.Server.Realtime;

/// <summary>
/// A connection's transport (Kestrel's pair of pipes) as the stream a <see cref="System.Net.WebSockets.WebSocket"/>
/// reads and writes. Reading copies what has arrived and holds no buffer while it waits; disposing it (the
/// WebSocket's <c>Abort</c> or <c>Dispose</c>) wakes a read or a write in progress, which then fails, so that the
/// connection ends and Kestrel closes it.
/// </summary>
internal sealed class TransportStream(IDuplexPipe transport) : Stream
{
    private volatile bool _disposed;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var input = transport.Input;
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = await input.ReadAsync(cancellationToken);
            var data = result.Buffer;
            if (_disposed)
            {
                input.AdvanceTo(data.Start);
                throw new ObjectDisposedException(nameof(TransportStream));
            }
            if (!data.IsEmpty && buffer.Length > 0)
            {
                var count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                input.AdvanceTo(data.GetPosition(count));
                return count;
            }
            if (!data.IsEmpty || result.IsCompleted)
            {
                input.AdvanceTo(data.Start); // a zero-byte read: data is here (or the peer is gone), none taken
                return 0;
            }
            input.AdvanceTo(data.Start, data.End);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await transport.Output.WriteAsync(buffer, cancellationToken);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new IOException("The connection is closed.");
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask; // every write flushes

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            transport.Input.CancelPendingRead();
            transport.Output.CancelPendingFlush();
        }
        base.Dispose(disposing);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
