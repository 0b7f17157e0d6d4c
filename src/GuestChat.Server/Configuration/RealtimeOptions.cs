namespace GuestChat.Server.Configuration;

/// <summary>WebSocket heartbeats (<c>GuestChat:Realtime:*</c>).</summary>
public sealed class RealtimeOptions
{
    /// <summary>How often the server pings an open socket.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a client may take to answer a ping before its socket is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
