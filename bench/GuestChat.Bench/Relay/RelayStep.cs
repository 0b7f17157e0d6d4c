using GuestChat.Bench.Clients;
using GuestChat.Bench.Measurement;

namespace GuestChat.Bench.Relay;

/// <summary>
/// The bookkeeping of one offered rate: the intended send time of every message (the schedule, not the
/// moment the generator got round to it, so coordinated omission cannot hide a stall), and what came back.
/// </summary>
internal sealed class RelayStep(long firstIndex, int messageCount)
{
    private readonly long[] _intended = new long[messageCount];
    private readonly int[] _delivered = new int[messageCount];
    private long _deliveredCount;
    private long _duplicates;
    private long _errors;
    private long _lastDeliveryTimestamp;

    public long FirstIndex { get; } = firstIndex;

    public int MessageCount { get; } = messageCount;

    /// <summary>Send → delivery to the other party.</summary>
    public LatencyHistogram Delivery { get; } = new();

    /// <summary>Send → the sender's <c>stored</c> answer (durably committed).</summary>
    public LatencyHistogram Stored { get; } = new();

    public long DeliveredCount => Interlocked.Read(ref _deliveredCount);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Errors => Interlocked.Read(ref _errors);

    public long LastDeliveryTimestamp => Interlocked.Read(ref _lastDeliveryTimestamp);

    public void Schedule(int offset, long intendedTimestamp) => Volatile.Write(ref _intended[offset], intendedTimestamp);

    public void OnFrame(in IncomingFrame frame, long receivedTimestamp)
    {
        switch (frame.Type)
        {
            case FrameType.Message:
                OnDelivered(frame.BodyIndex - FirstIndex, receivedTimestamp);
                break;
            case FrameType.Stored:
                var stored = frame.ClientIndex - FirstIndex;
                if ((ulong)stored < (ulong)MessageCount) Stored.RecordElapsed(Volatile.Read(ref _intended[stored]), receivedTimestamp);
                break;
            case FrameType.Error:
                Interlocked.Increment(ref _errors);
                break;
        }
    }

    private void OnDelivered(long offset, long receivedTimestamp)
    {
        if ((ulong)offset >= (ulong)MessageCount) return;
        var intended = Volatile.Read(ref _intended[offset]);
        if (intended == 0) return;
        if (Interlocked.Exchange(ref _delivered[offset], 1) == 1)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        Delivery.RecordElapsed(intended, receivedTimestamp);
        Interlocked.Increment(ref _deliveredCount);
        var last = Interlocked.Read(ref _lastDeliveryTimestamp);
        while (receivedTimestamp > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastDeliveryTimestamp, receivedTimestamp, last);
            if (seen == last) break;
            last = seen;
        }
    }
}
