using GuestChat.Bench.Clients;

namespace GuestChat.Bench.Relay;

/// <summary>
/// Drives one relay through ascending offered rates over its connected pairs (with its idle sockets held
/// open by the caller), after an unreported warm-up, each rate as many times as asked (its median run is
/// reported), and stops at the first rate it cannot sustain.
/// </summary>
public static class RelayScenario
{
    private const int PairReceiveBuffer = 16 * 1024;

    public static async Task<List<RelayStepResult>> RunAsync(RelayTarget target, IReadOnlyList<BenchSocket> idle, BenchOptions options,
        LoopbackConnector connector, TextWriter progress, Action<RelayStepResult> onStep, CancellationToken cancellationToken)
    {
        var load = new RelayLoad(progress);
        progress.WriteLine($"  {target.Name}: connecting {target.Pairs.Count} pairs");
        var sockets = await SocketPool.ConnectAsync([.. target.Pairs.SelectMany(pair => new[] { pair.First, pair.Second })],
            target.Origin, load, connector, PairReceiveBuffer, cancellationToken);
        var results = new List<RelayStepResult>();
        try
        {
            var pairs = Enumerable.Range(0, target.Pairs.Count).Select(index => (sockets[2 * index], sockets[(2 * index) + 1])).ToList();
            IReadOnlyList<BenchSocket> watched = [.. sockets, .. idle];
            var drain = options.Quick ? TimeSpan.FromSeconds(4) : TimeSpan.FromSeconds(15);
            var warmUp = options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
            // Let the relay finish what connecting thousands of sockets set off (closes, collections, the first
            // heartbeats) so that the first rate is measured in a steady state, as the later ones are.
            await Task.Delay(options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10), cancellationToken);
            progress.WriteLine($"  {target.Name}: warm-up");
            await load.RunAsync(target.Name, target.ProcessId, pairs, watched, Math.Min(options.Rates[0], 2_000), warmUp, drain, cancellationToken);
            foreach (var rate in options.Rates)
            {
                // Each rate runs RelayRepetitions times and reports its median run: on a shared machine one step can
                // fall on a burst of the neighbours' work. Only closed sockets end the repetitions early.
                var runs = new List<RelayStepResult>();
                var closed = false;
                for (var run = 1; run <= options.RelayRepetitions && !closed; run++)
                {
                    var of = options.RelayRepetitions > 1 ? $" (run {run} of {options.RelayRepetitions})" : "";
                    progress.WriteLine($"  {target.Name}: offering {rate} msgs/s for {options.StepDuration.TotalSeconds} s{of}");
                    var step = await load.RunAsync(target.Name, target.ProcessId, pairs, watched, rate, options.StepDuration, drain, cancellationToken);
                    runs.Add(step);
                    closed = step.ClosedSockets > 0;
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
                var result = RelayStepResult.MedianOf(runs);
                results.Add(result);
                onStep(result);
                if (result.Saturated || closed) break;
            }
            return results;
        }
        finally
        {
            await SocketPool.CloseAsync(sockets);
        }
    }
}
