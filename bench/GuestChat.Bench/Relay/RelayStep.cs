using GuestChat.Bench.Clients;
using GuestChat.Bench.Measurement;

namespace GuestChat.Bench.Relay;

/// <summary>
/// The bookkeeping of one offered rate: the intended send time of every message (the schedule, not the
/// moment the generator got round to it, so coordinated omission cannot hide a stall), and what came back.
/// </summary>
internal sealed class RelayStep(long firstIndex, int messageCount, TimeSpan duration)
{
    private const int WindowsPerSecond = 10;
    private readonly long[] _intended = new long[messageCount];
    private readonly long[] _worstByWindow = new long[(int)(duration.TotalSeconds * WindowsPerSecond) + 1];
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

    /// <summary>
    /// The worst send → delivery latency (ms) of each 100 ms window of intended send time, for windows over
    /// <paramref name="thresholdMs"/>: when the relay stalled, and for how long, within the step.
    /// </summary>
    public IEnumerable<(double AtSeconds, double WorstMs)> Stalls(double thresholdMs)
    {
        for (var window = 0; window < _worstByWindow.Length; window++)
        {
            var worst = Interlocked.Read(ref _worstByWindow[window]) * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
            if (worst > thresholdMs) yield return (window / (double)WindowsPerSecond, worst);
        }
    }

    /// <summary>The first intended send time; windows are counted from it.</summary>
    public long StartTimestamp { get; set; }

    private void RecordWorst(long intended, long receivedTimestamp)
    {
        var window = (intended - StartTimestamp) * WindowsPerSecond / System.Diagnostics.Stopwatch.Frequency;
        if ((ulong)window >= (ulong)_worstByWindow.Length) return;
        var latency = receivedTimestamp - intended;
        var seen = Interlocked.Read(ref _worstByWindow[window]);
        while (latency > seen)
        {
            var previous = Interlocked.CompareExchange(ref _worstByWindow[window], latency, seen);
            if (previous == seen) break;
            seen = previous;
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
        RecordWorst(intended, receivedTimestamp);
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
