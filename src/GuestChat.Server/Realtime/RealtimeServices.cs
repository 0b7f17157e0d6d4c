using GuestChat.Server.Chats;
using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Realtime;

/// <summary>
/// What every socket of this process uses, resolved once: each <see cref="ClientConnection"/> holds this one
/// reference instead of its own copy of each (memory per idle socket is a target: docs/performance.md).
/// </summary>
public sealed class RealtimeServices(
    ChatWriter writer,
    InProcessRelay relay,
    ConnectionHeartbeat heartbeat,
    IChatStore store,
    IOptions<LimitOptions> limits,
    IOptions<RateLimitOptions> rateLimits,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public ChatWriter Writer { get; } = writer;
    public InProcessRelay Relay { get; } = relay;
    public ConnectionHeartbeat Heartbeat { get; } = heartbeat;
    public IChatStore Store { get; } = store;
    public LimitOptions Limits { get; } = limits.Value;

    /// <summary>How many sends one socket may make (<see cref="SendBudget"/>).</summary>
    public RateLimitRule SendsPerSocket { get; } = rateLimits.Value.SendsPerSocket;

    public TimeProvider Clock { get; } = clock;

    /// <summary>The sockets' logger (one category for all of them).</summary>
    public ILogger Logger { get; } = loggers.CreateLogger<ClientConnection>();
}
