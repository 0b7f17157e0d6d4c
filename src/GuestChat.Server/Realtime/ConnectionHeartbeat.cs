using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Realtime;

/// <summary>
/// Finds dead sockets with one timer for all of them, rather than the WebSocket's own keep-alive timer per
/// socket (at 10,000 idle sockets those fired 2,700 times a second). A socket the server has heard nothing from for
/// <see cref="RealtimeOptions.KeepAliveInterval"/> (less this socket's stagger, <see cref="PingAfter"/>) gets a
/// <c>ping</c> frame, and one that sends nothing within <see cref="RealtimeOptions.KeepAliveTimeout"/> after it is
/// aborted. Any frame from the client counts as an answer. Each round looks only at the sockets whose time has come
/// (<see cref="HeartbeatSchedule{T}"/>). Real time, not the injected clock: liveness is a transport matter.
/// </summary>
public sealed partial class ConnectionHeartbeat(IOptions<RealtimeOptions> options, ILogger<ConnectionHeartbeat> logger)
    : BackgroundService
{
    private static readonly TimeSpan MinimumRound = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaximumRound = TimeSpan.FromSeconds(1);

    private readonly RealtimeOptions _options = options.Value;

    /// <summary>The keep-alive periods in milliseconds, as every look compares them with <see cref="Environment.TickCount64"/>.</summary>
    private readonly long _interval = (long)options.Value.KeepAliveInterval.TotalMilliseconds;
    private readonly long _timeout = (long)options.Value.KeepAliveTimeout.TotalMilliseconds;

    /// <summary>Reaches as far ahead as the longer period: no socket is due later than that after a look.</summary>
    private readonly HeartbeatSchedule<ClientConnection> _schedule = new(Round(options.Value),
        options.Value.KeepAliveInterval > options.Value.KeepAliveTimeout ? options.Value.KeepAliveInterval : options.Value.KeepAliveTimeout,
        Environment.TickCount64);

    /// <summary>How many sockets are watched (those that ended included, until their next look).</summary>
    internal int Watched => _schedule.Count;

    /// <summary>
    /// How often the rounds run: a sixtieth of the shorter period (250 ms by default), at most a second. A round pings
    /// every socket that fell due since the last one, so long rounds send pings in bursts: with rounds of a quarter
    /// period, 10,000 idle sockets got about 2,500 pings (and sent as many pongs) at once every 3.75 s, stalling
    /// the chats' messages behind them. Short rounds spread the same pings evenly, and a round looks only at the
    /// sockets due in it.
    /// </summary>
    public static TimeSpan Round(RealtimeOptions options)
    {
        var round = (options.KeepAliveInterval < options.KeepAliveTimeout ? options.KeepAliveInterval : options.KeepAliveTimeout) / 60;
        return round < MinimumRound ? MinimumRound : round > MaximumRound ? MaximumRound : round;
    }

    /// <summary>
    /// After how many milliseconds of silence a socket is pinged: the interval less up to a tenth of it, by the socket's
    /// own <paramref name="stagger"/> (0–255, drawn once per connection). Without it, sockets that connected together
    /// (all the clients of a restarted server come back within a second or two) would be pinged together for as long
    /// as they stay idle, since each answer lines the next ping up again: a burst of pings and pongs every interval,
    /// as the long rounds used to make. Staggered, such a group spreads over the whole interval within a few minutes.
    /// </summary>
    public static long PingAfter(long interval, byte stagger) => interval - interval * stagger / 2_550;

    /// <summary>Watches a socket from now until its connection ends; its first look is when its first ping falls due.</summary>
    public void Watch(ClientConnection connection) =>
        _schedule.Add(connection, Environment.TickCount64 + connection.PingAfter(_interval));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var due = new List<ClientConnection>();
        using var timer = new PeriodicTimer(Round(_options));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = Environment.TickCount64;
                _schedule.TakeDue(now, due);
                var aborted = 0;
                Exception? failure = null;
                foreach (var connection in due)
                {
                    var next = now; // after a failure, the next round tries again
                    try
                    {
                        switch (connection.CheckAlive(now, _interval, _timeout, out next))
                        {
                            case Liveness.Aborted:
                                aborted++;
                                continue;
                            case Liveness.Ended:
                                continue;
                        }
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failure ??= e; // one socket's trouble must not stop the heartbeat of all the others
                    }
                    _schedule.Add(connection, next);
                }
                due.Clear();
                if (aborted > 0)
                {
                    LogAborted(aborted);
                }
                if (failure is not null)
                {
                    LogRoundFailed(failure);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Aborted {Count} sockets that did not answer a ping")]
    private partial void LogAborted(int count);

    [LoggerMessage(2, LogLevel.Error, "A heartbeat round failed for at least one socket; the next round tries again")]
    private partial void LogRoundFailed(Exception exception);
}

/// <summary>What a heartbeat look at a socket found (<see cref="ClientConnection.CheckAlive"/>).</summary>
internal enum Liveness
{
    /// <summary>Still watched: look again at the time given.</summary>
    Watched,

    /// <summary>Aborted now: it did not answer its ping in time.</summary>
    Aborted,

    /// <summary>Its connection has ended: no longer watched.</summary>
    Ended,
}
