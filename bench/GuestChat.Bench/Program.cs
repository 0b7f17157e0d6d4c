using GuestChat.Bench;
using GuestChat.Bench.Hosting;

// The generator shares two cores with the server: socket completions run inline on the epoll thread instead of
// hopping to the thread pool. Read when the first socket is made, so set before anything else; the processes
// the bench starts do not inherit it (ChildProcess removes it).
Environment.SetEnvironmentVariable(ChildProcess.InlineCompletionsVariable, "1");

var signals = BenchmarkRun.StopChildrenOnSignals();
try
{
    return await BenchmarkRun.MainAsync(args, Console.Out, Console.Error, CancellationToken.None);
}
finally
{
    foreach (var signal in signals) signal.Dispose();
}
