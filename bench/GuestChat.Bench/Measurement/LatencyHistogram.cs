using System.Diagnostics;
using System.Numerics;

namespace GuestChat.Bench.Measurement;

/// <summary>
/// A log-linear latency histogram in the manner of HdrHistogram: values in microseconds, 2,048 linear
/// sub-buckets per power of two, so every recorded value is kept to within 1/1,024 of itself (three
/// significant digits) from 1 µs up to about 12 days. Recording is lock-free and safe from many threads.
/// Percentiles answer the highest value equivalent to the bucket, as HdrHistogram does (never flattering).
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketHalfCountMagnitude = 10;
    private const int SubBucketHalfCount = 1 << SubBucketHalfCountMagnitude;
    private const int SubBucketCount = SubBucketHalfCount * 2;
    private const int HighestMagnitude = 40;
    private const long HighestTrackableMicroseconds = (1L << HighestMagnitude) - 1;

    private readonly long[] _counts = new long[IndexOf(HighestTrackableMicroseconds) + 1];
    private long _totalCount;
    private long _maxMicroseconds;

    public long TotalCount => Volatile.Read(ref _totalCount);

    public double MaxMilliseconds => Volatile.Read(ref _maxMicroseconds) / 1000.0;

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/> (Stopwatch ticks).</summary>
    public void RecordElapsed(long startTimestamp, long endTimestamp) =>
        RecordMicroseconds((long)((endTimestamp - startTimestamp) * 1_000_000.0 / Stopwatch.Frequency));

    public void RecordMicroseconds(long microseconds)
    {
        var value = Math.Clamp(microseconds, 0, HighestTrackableMicroseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _totalCount);
        var max = Volatile.Read(ref _maxMicroseconds);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicroseconds, value, max);
            if (seen == max) break;
            max = seen;
        }
    }

    /// <summary>The latency at or below which <paramref name="percentile"/> percent of the recorded values lie, in ms; 0 when empty.</summary>
    public double PercentileMilliseconds(double percentile)
    {
        var total = TotalCount;
        if (total == 0) return 0;
        var wanted = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            seen += Volatile.Read(ref _counts[index]);
            if (seen >= wanted) return Math.Min(HighestEquivalentValue(index), Volatile.Read(ref _maxMicroseconds)) / 1000.0;
        }
        return MaxMilliseconds;
    }

    public double MeanMilliseconds()
    {
        var total = TotalCount;
        if (total == 0) return 0;
        double sum = 0;
        for (var index = 0; index < _counts.Length; index++)
        {
            var count = Volatile.Read(ref _counts[index]);
            if (count != 0) sum += count * (LowestEquivalentValue(index) + HighestEquivalentValue(index)) / 2.0;
        }
        return sum / total / 1000.0;
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount) return (int)value;
        var bucket = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketHalfCountMagnitude;
        var subBucket = (int)(value >> bucket);
        return (bucket * SubBucketHalfCount) + subBucket;
    }

    internal static long LowestEquivalentValue(int index)
    {
        if (index < SubBucketCount) return index;
        var bucket = (index >> SubBucketHalfCountMagnitude) - 1;
        var subBucket = index - (bucket * SubBucketHalfCount);
        return (long)subBucket << bucket;
    }

    internal static long HighestEquivalentValue(int index)
    {
        if (index < SubBucketCount) return index;
        var bucket = (index >> SubBucketHalfCountMagnitude) - 1;
        return LowestEquivalentValue(index) + (1L << bucket) - 1;
    }
}
