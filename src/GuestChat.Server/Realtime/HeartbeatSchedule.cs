using System.Runtime.InteropServices;

namespace GuestChat.Server.Realtime;

/// <summary>
/// The sockets <see cref="ConnectionHeartbeat"/> watches, filed by the round in which each next needs a look (a
/// timing wheel: one list per round, reused in a ring), so that a round looks only at the sockets due in it. A socket
/// that stays idle is looked at twice per keep-alive interval (when its ping falls due, and when the answer's time is
/// up) instead of every round: walking 10,000 idle sockets four times a second was about a fifth of an idle server's
/// CPU samples. A socket is filed for a time no later than it falls due, and a look that comes early (a time beyond the
/// wheel's reach, or a socket heard from since) only files it again, so no look is late by more than a round. A
/// socket whose connection ended leaves at its next look rather than at once: a list cannot drop an element cheaply,
/// and the wait is at most the longer keep-alive period.
/// </summary>
internal sealed class HeartbeatSchedule<T>
{
    /// <summary>The most rounds the wheel holds; a socket due later is filed in the last and filed again when looked at.</summary>
    internal const int MaximumRounds = 4_096;

    private readonly Lock _lock = new();
    private readonly long _roundMs;
    private readonly List<T>[] _rounds;

    /// <summary>The next round to be taken, numbered from <see cref="Environment.TickCount64"/>'s origin in rounds.</summary>
    private long _next;
    private int _count;

    /// <param name="round">How often the heartbeat runs a round.</param>
    /// <param name="reach">The furthest ahead a socket is filed (the longer of the keep-alive periods).</param>
    /// <param name="now">The current time, in <see cref="Environment.TickCount64"/> milliseconds.</param>
    public HeartbeatSchedule(TimeSpan round, TimeSpan reach, long now)
    {
        _roundMs = (long)round.TotalMilliseconds;
        var rounds = Math.Clamp(CeilingRound((long)reach.TotalMilliseconds) + 2, 2, MaximumRounds);
        _rounds = new List<T>[rounds];
        for (var i = 0; i < rounds; i++)
        {
            _rounds[i] = [];
        }
        _next = now / _roundMs + 1;
    }

    /// <summary>How many sockets are filed (those that ended included, until their next look).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Files <paramref name="socket"/> to be looked at in the first round that starts at or after <paramref name="due"/>.</summary>
    public void Add(T socket, long due)
    {
        lock (_lock)
        {
            var round = Math.Clamp(CeilingRound(due), _next, _next + _rounds.Length - 1);
            _rounds[round % _rounds.Length].Add(socket);
            _count++;
        }
    }

    /// <summary>
    /// Moves into <paramref name="into"/> every socket filed for a round that has started by <paramref name="now"/>,
    /// those of rounds a late timer skipped included.
    /// </summary>
    public void TakeDue(long now, List<T> into)
    {
        lock (_lock)
        {
            var current = now / _roundMs;
            if (current < _next)
            {
                return;
            }
            var rounds = Math.Min(current - _next + 1, _rounds.Length); // after a stall longer than the wheel: each list once
            for (var i = 0L; i < rounds; i++)
            {
                var round = _rounds[(_next + i) % _rounds.Length];
                into.AddRange(CollectionsMarshal.AsSpan(round));
                _count -= round.Count;
                round.Clear();
            }
            _next = current + 1;
        }
    }

    private long CeilingRound(long milliseconds) => (milliseconds + _roundMs - 1) / _roundMs;
}
