namespace GuestChat.Server.Configuration;

/// <summary>
/// WebSockets (<c>GuestChat:Realtime:*</c>): heartbeats, run by <see cref="Realtime.ConnectionHeartbeat"/>, and
/// how sockets are upgraded.
/// </summary>
public sealed class RealtimeOptions
{
    /// <summary>How long a client may be silent before the server pings it.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a client may take to answer a ping (with anything) before its socket is aborted.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether a browser's socket is taken over at the connection level (<see cref="Realtime.ConnectionUpgrade"/>),
    /// which holds much less memory per idle socket (docs/performance.md); off, every socket goes through the HTTP pipeline.
    /// </summary>
    public bool ConnectionUpgrade { get; set; } = true;
}
