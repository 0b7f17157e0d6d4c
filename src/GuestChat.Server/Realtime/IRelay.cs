using GuestChat.Protocol;

namespace GuestChat.Server.Realtime;

/// <summary>
/// Delivers frames to whichever node holds the recipient's socket. Today every socket is in this process
/// (<see cref="InProcessRelay"/>); with several nodes an implementation would publish to the owning node
/// (e.g. PostgreSQL LISTEN/NOTIFY or a message bus). Delivery is best effort: stored envelopes stay in the
/// store until acknowledged, and a client reads its backlog when it connects.
/// </summary>
public interface IRelay
{
    void SendToDevice(DeviceId device, ServerFrame frame);

    void SendToGuest(ChatId chat, ServerFrame frame);

    /// <summary>The chat expired or ended: its guest's sockets close after the frames already queued.</summary>
    void EndGuestSockets(ChatId chat);
}

/// <summary>
/// The sockets connected to this process, by member device and by guest chat. When the application stops, every
/// one of them is closed with 1001 (go elsewhere): one registration for all of them, not one per socket.
/// </summary>
public sealed class InProcessRelay : IRelay
{
    private readonly ConnectionSet<DeviceId> _devices = new();
    private readonly ConnectionSet<ChatId> _guests = new();
    private readonly CancellationToken _stopping;

    public InProcessRelay(IHostApplicationLifetime lifetime)
    {
        _stopping = lifetime.ApplicationStopping;
        _stopping.UnsafeRegister(static relay => ((InProcessRelay)relay!).CloseAllForShutdown(), this);
    }

    public void Register(ClientConnection connection)
    {
        if (connection.Peer.Party == Chats.Party.Member)
        {
            _devices.Add(connection.Peer.Device, connection);
        }
        else
        {
            _guests.Add(connection.Peer.GuestChat, connection);
        }
        // Added after the stopping sweep copied the connections: the token is already cancelled by then.
        if (_stopping.IsCancellationRequested)
        {
            connection.CloseForShutdown();
        }
    }

    private void CloseAllForShutdown()
    {
        var connections = new List<ClientConnection>(ConnectedCount);
        CopyConnectionsTo(connections);
        foreach (var connection in connections)
        {
            connection.CloseForShutdown();
        }
    }

    public void Unregister(ClientConnection connection)
    {
        if (connection.Peer.Party == Chats.Party.Member)
        {
            _devices.Remove(connection.Peer.Device, connection);
        }
        else
        {
            _guests.Remove(connection.Peer.GuestChat, connection);
        }
    }

    public int ConnectedCount => _devices.Count + _guests.Count;

    /// <summary>Adds every connection of this process to <paramref name="into"/> (for tests and diagnostics).</summary>
    public void CopyConnectionsTo(List<ClientConnection> into)
    {
        _devices.CopyTo(into);
        _guests.CopyTo(into);
    }

    public void SendToDevice(DeviceId device, ServerFrame frame)
    {
        foreach (var connection in _devices.Get(device))
        {
            connection.TrySend(frame);
        }
    }

    public void SendToGuest(ChatId chat, ServerFrame frame)
    {
        foreach (var connection in _guests.Get(chat))
        {
            connection.TrySend(frame);
        }
    }

    public void EndGuestSockets(ChatId chat)
    {
        foreach (var connection in _guests.Get(chat))
        {
            connection.CloseWhenSent();
        }
    }

    /// <summary>Key to connections; arrays are replaced, never mutated, so readers need no lock.</summary>
    private sealed class ConnectionSet<TKey> where TKey : notnull
    {
        private readonly Dictionary<TKey, ClientConnection[]> _map = [];
        private readonly Lock _lock = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ClientConnection[] Get(TKey key)
        {
            lock (_lock)
            {
                return _map.TryGetValue(key, out var connections) ? connections : [];
            }
        }

        public void CopyTo(List<ClientConnection> into)
        {
            lock (_lock)
            {
                foreach (var connections in _map.Values)
                {
                    // As a span: List.AddRange(IEnumerable) first asks whether an array is an ICollection<T>, a slow
                    // cast (13 % of an idle server's CPU at 10,000 sockets when the heartbeat copied them four times a second).
                    into.AddRange(connections.AsSpan());
                }
            }
        }

        public void Add(TKey key, ClientConnection connection)
        {
            lock (_lock)
            {
                _map[key] = _map.TryGetValue(key, out var existing) ? [.. existing, connection] : [connection];
                _count++;
            }
        }

        public void Remove(TKey key, ClientConnection connection)
        {
            lock (_lock)
            {
                if (!_map.TryGetValue(key, out var existing) || Array.IndexOf(existing, connection) < 0)
                {
                    return;
                }
                var remaining = existing.Where(c => c != connection).ToArray();
                if (remaining.Length == 0)
                {
                    _map.Remove(key);
                }
                else
                {
                    _map[key] = remaining;
                }
                _count--;
            }
        }
    }
}
