using System.Diagnostics;
using GuestChat.Bench.Clients;
using GuestChat.Bench.Measurement;

namespace GuestChat.Bench.Relay;

/// <summary>What one offered rate achieved against one relay.</summary>
public sealed record RelayStepResult(
    string Target, int Offered, double DurationSeconds, long Sent, long Delivered, double DeliveredPerSecond,
    double P50Ms, double P99Ms, double P999Ms, double MaxMs, double StoredP99Ms,
    long Lost, long Duplicates, long Errors, int ClosedSockets,
    double ServerCores, double ServerCpuMicrosecondsPerMessage, long ServerRssBytes, double BenchCores, double OtherCores,
    double BenchGcPauseMs, int BenchCollections)
{
    /// <summary>The relay did not keep up: it fell behind the offered rate, lost messages or queued for over a second.</summary>
    public bool Saturated => DeliveredPerSecond < 0.9 * Offered || Lost > 0 || P99Ms > 1000;

    /// <summary>The p99 of every run of this rate, in the order run (set by <see cref="MedianOf"/>, which every reported step goes through).</summary>
    public IReadOnlyList<double> RunsP99Ms { get; init; } = [];

    /// <summary>
    /// The run with the median p99 (the higher of the two middle ones for an even count), whole, so that its
    /// fields stay consistent with one another; one run disturbed by the machine's neighbours does not decide it.
    /// </summary>
    public static RelayStepResult MedianOf(IReadOnlyList<RelayStepResult> runs)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        var median = runs.OrderBy(run => run.P99Ms).ElementAt(runs.Count / 2);
        return median with { RunsP99Ms = [.. runs.Select(run => run.P99Ms)] };
    }
}

/// <summary>
/// Offers messages open-loop at a fixed rate: a scheduler thread hands message i to its sender at
/// start + i / rate whatever happened before, round-robin over the pairs and alternating direction.
/// Latency is measured from that intended time to the arrival at the other party.
/// </summary>
public sealed class RelayLoad(TextWriter? progress = null) : IFrameHandler
{
    private const double StallThresholdMs = 50;
    private RelayStep? _current;
    private long _nextIndex = 1;

    public void OnFrame(BenchSocket socket, in IncomingFrame frame, long receivedTimestamp) =>
        Volatile.Read(ref _current)?.OnFrame(frame, receivedTimestamp);

    public async Task<RelayStepResult> RunAsync(string target, int processId, IReadOnlyList<(BenchSocket First, BenchSocket Second)> pairs,
        IReadOnlyList<BenchSocket> watched, int rate, TimeSpan duration, TimeSpan drainLimit, CancellationToken cancellationToken)
    {
        var count = (int)Math.Max(1, Math.Round(rate * duration.TotalSeconds));
        var step = new RelayStep(_nextIndex, count, duration);
        _nextIndex += count;
        Volatile.Write(ref _current, step);

        var serverBefore = ProcessSample.Read(processId);
        var benchBefore = ProcessSample.Read(Environment.ProcessId);
        var machineBefore = ProcessSample.ReadMachine();
        // The generator's own collections pause its receive loops, which adds to the measured latency of either relay.
        var pauseBefore = GC.GetTotalPauseDuration();
        var collectionsBefore = GC.CollectionCount(0);
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        step.StartTimestamp = start;
        var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() => Schedule(step, pairs, rate, start, scheduled, cancellationToken))
        {
            IsBackground = true,
            Name = "relay scheduler",
        };
        scheduler.Start();
        await scheduled.Task;

        // Drain: wait for the stragglers, bounded in time and ended early when nothing moves any more.
        var drainDeadline = Stopwatch.GetTimestamp() + (long)(drainLimit.TotalSeconds * Stopwatch.Frequency);
        long lastSeen = -1;
        var lastProgress = Stopwatch.GetTimestamp();
        while (step.DeliveredCount < count && Stopwatch.GetTimestamp() < drainDeadline)
        {
            await Task.Delay(20, cancellationToken);
            if (step.DeliveredCount != lastSeen)
            {
                lastSeen = step.DeliveredCount;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > TimeSpan.FromSeconds(3))
            {
                break;
            }
        }
        var serverAfter = ProcessSample.Read(processId);
        var benchAfter = ProcessSample.Read(Environment.ProcessId);
        var machineAfter = ProcessSample.ReadMachine();
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        var collections = GC.CollectionCount(0) - collectionsBefore;
        await Task.Delay(200, cancellationToken); // let the last stored answers arrive before the step is dropped
        Volatile.Write(ref _current, null);

        var stalls = step.Stalls(StallThresholdMs).ToList();
        if (stalls.Count > 0)
        {
            progress?.WriteLine($"    {target} at {rate}/s: {stalls.Count} windows of 100 ms with a delivery over {StallThresholdMs} ms, at " +
                string.Join(", ", stalls.Take(12).Select(stall => $"{stall.AtSeconds:0.0} s ({stall.WorstMs:0} ms)")));
        }
        var delivered = step.DeliveredCount;
        var lastDelivery = step.LastDeliveryTimestamp;
        var elapsed = Math.Max(duration.TotalSeconds, lastDelivery == 0 ? 0 : (lastDelivery - start) / (double)Stopwatch.Frequency);
        return new RelayStepResult(
            target, rate, duration.TotalSeconds, count, delivered, delivered / elapsed,
            step.Delivery.PercentileMilliseconds(50), step.Delivery.PercentileMilliseconds(99), step.Delivery.PercentileMilliseconds(99.9),
            step.Delivery.MaxMilliseconds, step.Stored.PercentileMilliseconds(99),
            count - delivered, step.Duplicates, step.Errors, watched.Count(socket => socket.Failure is not null),
            ProcessSample.CoresBetween(serverBefore, serverAfter),
            delivered == 0 ? 0 : (serverAfter.CpuSeconds - serverBefore.CpuSeconds) * 1e6 / delivered,
            serverAfter.RssBytes, ProcessSample.CoresBetween(benchBefore, benchAfter),
            Math.Max(0, ProcessSample.CoresBetween(machineBefore, machineAfter) - ProcessSample.CoresBetween(serverBefore, serverAfter)
                - ProcessSample.CoresBetween(benchBefore, benchAfter)),
            pause.TotalMilliseconds, collections);
    }

    private static void Schedule(RelayStep step, IReadOnlyList<(BenchSocket First, BenchSocket Second)> pairs, int rate, long start,
        TaskCompletionSource done, CancellationToken cancellationToken)
    {
        try
        {
            var ticksPerMessage = Stopwatch.Frequency / (double)rate;
            for (var offset = 0; offset < step.MessageCount; offset++)
            {
                var intended = start + (long)(offset * ticksPerMessage);
                while (Stopwatch.GetTimestamp() < intended)
                {
                    if (cancellationToken.IsCancellationRequested) return;
                    Thread.Sleep(1); // never spin: the generator shares two cores with the server
                }
                step.Schedule(offset, intended);
                var pair = pairs[offset % pairs.Count];
                var sender = (offset / pairs.Count % 2) == 0 ? pair.First : pair.Second;
                sender.Send(step.FirstIndex + offset);
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }
}
