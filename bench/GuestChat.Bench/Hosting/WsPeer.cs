using System.Globalization;

namespace GuestChat.Bench.Hosting;

/// <summary>The peer: bench/ws-peer/relay.mjs on Node, installed with `npm ci` when its node_modules is missing.</summary>
public sealed class WsPeer : IAsyncDisposable
{
    private WsPeer(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public static async Task<WsPeer> StartAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var folder = RepositoryPaths.PeerFolder;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "ws")))
        {
            progress.WriteLine("installing the ws peer (npm ci)");
            await ChildProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(3), cancellationToken);
        }
        var process = ChildProcess.Start("node", ["relay.mjs", "--port", "0", "--host", "127.0.0.1"], folder);
        try
        {
            var line = await process.WaitForLineAsync(text => text.StartsWith("listening ", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20), cancellationToken);
            return new WsPeer(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
