using GuestChat.Server.Configuration;

namespace GuestChat.Server.Realtime;

/// <summary>
/// A token bucket for one socket's sends: <see cref="RateLimitRule.PermitLimit"/> tokens, refilled at that many
/// per <see cref="RateLimitRule.Window"/>. It computes refills from timestamps instead of running a timer, so an
/// idle socket costs nothing; and it is a struct held in the socket's <see cref="ClientConnection"/>, the rule and
/// clock passed in (they are the same for every socket), so it adds 16 bytes to it rather than an object.
/// </summary>
public struct SendBudget
{
    private double _tokens;
    private long _lastRefill;

    /// <summary>A full bucket.</summary>
    public SendBudget(RateLimitRule rule, TimeProvider clock)
    {
        _tokens = rule.PermitLimit;
        _lastRefill = clock.GetTimestamp();
    }

    /// <summary>Takes one token; false when the socket has sent too much.</summary>
    public bool TryTake(RateLimitRule rule, TimeProvider clock)
    {
        var now = clock.GetTimestamp();
        var refilled = (now - _lastRefill) * rule.PermitLimit / (rule.Window.TotalSeconds * clock.TimestampFrequency);
        _tokens = Math.Min(rule.PermitLimit, _tokens + refilled);
        _lastRefill = now;
        if (_tokens < 1)
        {
            return false;
        }
        _tokens -= 1;
        return true;
    }
}
