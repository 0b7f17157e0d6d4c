namespace GuestChat.Server.Configuration;

/// <summary>WebSocket heartbeats (<c>GuestChat:Realtime:*</c>), run by <see cref="Realtime.ConnectionHeartbeat"/>.</summary>
public sealed class RealtimeOptions
{
    /// <summary>How long a client may be silent before the server pings it.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a client may take to answer a ping (with anything) before its socket is aborted.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
