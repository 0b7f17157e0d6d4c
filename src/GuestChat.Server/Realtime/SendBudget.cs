using GuestChat.Server.Configuration;

namespace GuestChat.Server.Realtime;

/// <summary>
/// A token bucket for one socket's sends: <see cref="RateLimitRule.PermitLimit"/> tokens, refilled at that many
/// per <see cref="RateLimitRule.Window"/>. It computes refills from timestamps instead of running a timer,
/// so an idle socket costs nothing.
/// </summary>
public sealed class SendBudget(RateLimitRule rule, TimeProvider clock)
{
    private readonly double _tokensPerTick = rule.PermitLimit / (rule.Window.TotalSeconds * clock.TimestampFrequency);
    private double _tokens = rule.PermitLimit;
    private long _lastRefill = clock.GetTimestamp();

    /// <summary>Takes one token; false when the socket has sent too much.</summary>
    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        _tokens = Math.Min(rule.PermitLimit, _tokens + (now - _lastRefill) * _tokensPerTick);
        _lastRefill = now;
        if (_tokens < 1)
        {
            return false;
        }
        _tokens -= 1;
        return true;
    }
}
