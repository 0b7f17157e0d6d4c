namespace GuestChat.Bench.Clients;

/// <summary>Opens many sockets with bounded concurrency and waits until each has received <c>ready</c>.</summary>
public static class SocketPool
{
    private const int Parallelism = 64;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(30);

    public static async Task<BenchSocket[]> ConnectAsync(IReadOnlyList<SocketEndpoint> endpoints, string origin, IFrameHandler? handler,
        LoopbackConnector connector, int receiveBufferSize, CancellationToken cancellationToken)
    {
        var sockets = new BenchSocket[endpoints.Count];
        try
        {
            await Parallel.ForAsync(0, endpoints.Count,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    var endpoint = endpoints[index];
                    sockets[index] = await BenchSocket.ConnectAsync(endpoint.Uri, origin, endpoint.Cookie, endpoint.ChatId, handler,
                        connector.Invoker, receiveBufferSize, token);
                    await sockets[index].Ready.WaitAsync(s_readyTimeout, token);
                });
            return sockets;
        }
        catch
        {
            await CloseAsync(sockets.Where(socket => socket is not null));
            throw;
        }
    }

    public static async Task CloseAsync(IEnumerable<BenchSocket> sockets) =>
        await Parallel.ForEachAsync(sockets, new ParallelOptions { MaxDegreeOfParallelism = 256 },
            async (socket, _) => await socket.DisposeAsync());
}
