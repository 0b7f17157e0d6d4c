using GuestChat.Bench.Clients;
using GuestChat.Bench.Measurement;

namespace GuestChat.Bench.Idle;

/// <summary>
/// Memory of the relay process at a number of authenticated idle sockets: growth over the baseline (no sockets)
/// per socket, and the marginal growth per socket since the previous, smaller count (NaN for the first), which
/// leaves out whatever the first connections warmed up once (pools, JIT, GC budgets).
/// </summary>
public sealed record IdleResult(string Target, int Requested, int Sockets, long BaselineRssBytes, long RssBytes, double BytesPerSocket,
    double MarginalBytesPerSocket, string CappedBy, double CpuPercent);

/// <summary>
/// The live heap with the most sockets open (<see cref="Sockets"/>) and again once only <see cref="SocketsAfter"/> of
/// them stay open: what the sockets closed in between held, without the collector's free space and garbage.
/// </summary>
public sealed record IdleHeap(string Target, int Sockets, int SocketsAfter, HeapCensus With, HeapCensus After)
{
    public double BytesPerSocket => (With.LiveBytes - After.LiveBytes) / (double)(Sockets - SocketsAfter);

    public double ObjectsPerSocket => (With.Objects - After.Objects) / (double)(Sockets - SocketsAfter);
}

/// <summary>
/// Opens authenticated idle sockets in steps (each waits for its <c>ready</c>), lets the process settle, and
/// divides the growth of its resident memory by the number of sockets. Then it measures the process's CPU over
/// <c>cpuWindow</c> (what holding the sockets costs: heartbeats, timers). The sockets answer pings, as a
/// browser does, and send nothing else. The first <c>keep</c> sockets stay open for the relay scenario. Given a
/// <c>census</c> (a .NET relay), the live heap is counted after the last sample, with every socket open and once the
/// others are closed (all of them when none would be, reopening <c>keep</c> after), so it disturbs no sample.
/// </summary>
public static class IdleScenario
{
    private const int IdleReceiveBuffer = 512;

    /// <summary>GuestChat's keep-alive interval and timeout (15 s each by default), with a round to spare.</summary>
    private static readonly TimeSpan HeartbeatReach = TimeSpan.FromSeconds(15.5);

    /// <param name="settle">How long the process is left alone before each memory sample.</param>
    /// <param name="cpuWindow">How long its CPU is measured after that sample: in a full run one keep-alive interval
    /// (15 s), so that each relay pings every idle socket about once within it, as it does in a steady state. A
    /// shorter window can fall between the pings of one relay and not of the other (the peer pings a fifteenth of its
    /// sockets each second; GuestChat pings a socket only after 13.5–15 s of silence, so sockets opened moments
    /// before are not pinged yet).</param>
    public static async Task<(List<IdleResult> Results, IdleHeap? Heap, BenchSocket[] Kept)> RunAsync(RelayTarget target, IReadOnlyList<int> counts,
        int cap, int keep, TimeSpan settle, TimeSpan cpuWindow, Func<CancellationToken, Task<HeapCensus>>? census, LoopbackConnector connector,
        TextWriter progress, CancellationToken cancellationToken)
    {
        await Task.Delay(settle, cancellationToken);
        var baseline = ProcessSample.Read(target.ProcessId);
        var results = new List<IdleResult>();
        var open = new List<BenchSocket>();
        try
        {
            foreach (var requested in counts.Order())
            {
                var wanted = Math.Min(requested, Math.Min(cap, target.Idle.Count));
                var cappedBy = wanted >= requested ? "none" : wanted == cap ? "open-file-limit" : "identities";
                if (wanted > open.Count)
                {
                    progress.WriteLine($"  {target.Name}: opening idle sockets {open.Count + 1}..{wanted}");
                    open.AddRange(await SocketPool.ConnectAsync([.. target.Idle.Skip(open.Count).Take(wanted - open.Count)],
                        target.Origin, null, connector, IdleReceiveBuffer, cancellationToken));
                }
                await Task.Delay(settle, cancellationToken);
                var sample = ProcessSample.Read(target.ProcessId);
                await Task.Delay(cpuWindow, cancellationToken);
                var cpu = ProcessSample.CoresBetween(sample, ProcessSample.Read(target.ProcessId)) * 100;
                var closed = open.Count(socket => socket.Failure is not null);
                if (closed > 0) progress.WriteLine($"  {target.Name}: {closed} idle sockets were closed by the server");
                var sockets = open.Count - closed;
                var previous = results.LastOrDefault();
                results.Add(new IdleResult(target.Name, requested, sockets, baseline.RssBytes, sample.RssBytes,
                    (sample.RssBytes - baseline.RssBytes) / (double)Math.Max(1, sockets),
                    previous is null || sockets <= previous.Sockets ? double.NaN : (sample.RssBytes - previous.RssBytes) / (double)(sockets - previous.Sockets),
                    cappedBy, cpu));
            }
            var counting = census is not null && results.Count > 0 && open.Count > 0;
            // The first census in a process leaves objects of its own there (the runtime's event-tracing state): a
            // census thrown away first keeps them out of the difference, which matters at a few sockets.
            var with = counting && await CountAsync(census!, target, open.Count, progress, cancellationToken) is not null
                ? await CountAsync(census!, target, open.Count, progress, cancellationToken)
                : null;
            var kept = open.Take(with is not null && keep >= open.Count ? 0 : keep).ToArray();
            await SocketPool.CloseAsync(open.Skip(kept.Length));
            IdleHeap? heap = null;
            if (with is not null)
            {
                // The server's heartbeat lets go of a closed socket at its next look, up to one keep-alive interval later.
                await Task.Delay(settle + HeartbeatReach, cancellationToken);
                if (await CountAsync(census!, target, kept.Length, progress, cancellationToken) is { } after)
                {
                    heap = new IdleHeap(target.Name, open.Count, kept.Length, with, after);
                }
            }
            if (kept.Length < keep)
            {
                kept = [.. kept, .. await SocketPool.ConnectAsync([.. target.Idle.Skip(kept.Length).Take(keep - kept.Length)],
                    target.Origin, null, connector, IdleReceiveBuffer, cancellationToken)];
            }
            return (results, heap, kept);
        }
        catch
        {
            await SocketPool.CloseAsync(open);
            throw;
        }
    }

    /// <summary>A census, or null (reported as progress) when it fails: it must not cost the measurements around it.</summary>
    private static async Task<HeapCensus?> CountAsync(Func<CancellationToken, Task<HeapCensus>> census, RelayTarget target, int sockets,
        TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine($"  {target.Name}: counting the live heap with {sockets} idle sockets open");
        try
        {
            return await census(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            progress.WriteLine($"  {target.Name}: the heap census failed: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
