using GuestChat.Bench;

var signals = BenchmarkRun.StopChildrenOnSignals();
try
{
    return await BenchmarkRun.MainAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
finally
{
    foreach (var signal in signals) signal.Dispose();
}
