namespace GuestChat.Testing;

/// <summary>
/// A clock that moves only when the test says so. It exists only in test code: the server takes whatever
/// <see cref="TimeProvider"/> is registered, and in production that is <see cref="TimeProvider.System"/>.
/// Timers created from it (the expiry sweep's <c>PeriodicTimer</c>) fire during <see cref="Advance"/>, in due
/// order; a periodic timer that falls due several times in one advance fires once, as a busy system timer would.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly DateTimeOffset _origin;
    private DateTimeOffset _now;

    /// <summary>Starts at <paramref name="start"/>, by default the real current time (so cookie expiry dates make sense to clients).</summary>
    public ManualClock(DateTimeOffset? start = null)
    {
        var at = start ?? System.GetUtcNow();
        _now = _origin = new DateTimeOffset(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => (GetUtcNow() - _origin).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Now as Unix milliseconds, the unit of the wire protocol.</summary>
    public long UnixMilliseconds => GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Moves time forward, firing every timer that falls due on the way, in order (periodic ones once).</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            target = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.DueAt is { } due && due <= target).MinBy(t => t.DueAt);
                if (next is null)
                {
                    _now = target;
                    return;
                }
                next.Fired(target, out var firedAt);
                if (firedAt > _now)
                {
                    _now = firedAt;
                }
            }
            next.Invoke();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        /// <summary>When it fires next; null when stopped. Guarded by the clock's lock.</summary>
        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
            }
            return true;
        }

        /// <summary>
        /// Called under the clock's lock when it fires during an advance to <paramref name="target"/>: gives the
        /// last due time passed and schedules the next one after <paramref name="target"/>.
        /// </summary>
        public void Fired(DateTimeOffset target, out DateTimeOffset firedAt)
        {
            var due = DueAt!.Value;
            if (_period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero)
            {
                firedAt = due;
                DueAt = null;
                return;
            }
            var missed = (target - due).Ticks / _period.Ticks;
            firedAt = due + TimeSpan.FromTicks(missed * _period.Ticks);
            DueAt = firedAt + _period;
        }

        public void Invoke() => callback(state);

        public void Dispose()
        {
            lock (clock._lock)
            {
                DueAt = null;
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
