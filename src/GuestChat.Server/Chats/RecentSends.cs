namespace GuestChat.Server.Chats;

/// <summary>
/// A chat's last few sends. A client that lost its connection before seeing <c>stored</c> sends the envelope
/// again with the same client id; when the client id and the body both match a recent send, the writer answers
/// with the original sequence number instead of storing it twice. (A reused client id with another body is a
/// new envelope.) Loaded from the queued envelopes after a restart.
/// </summary>
internal sealed class RecentSends
{
    private const int Capacity = 16;
    private Queue<Entry>? _entries;

    public bool TryFind(Party sender, string clientId, byte[] body, out long seq, out long sentAt)
    {
        if (_entries is not null)
        {
            var hash = Hash(body);
            foreach (var entry in _entries)
            {
                if (entry.Sender == sender && entry.BodyHash == hash && entry.ClientId == clientId)
                {
                    (seq, sentAt) = (entry.Seq, entry.SentAt);
                    return true;
                }
            }
        }
        (seq, sentAt) = (0, 0);
        return false;
    }

    public void Add(Party sender, string clientId, byte[] body, long seq, long sentAt)
    {
        _entries ??= new Queue<Entry>(4);
        if (_entries.Count == Capacity)
        {
            _entries.Dequeue();
        }
        _entries.Enqueue(new Entry(sender, clientId, Hash(body), seq, sentAt));
    }

    private static long Hash(byte[] body)
    {
        var hash = new HashCode();
        hash.AddBytes(body);
        return ((long)body.Length << 32) | (uint)hash.ToHashCode();
    }

    private readonly record struct Entry(Party Sender, string ClientId, long BodyHash, long Seq, long SentAt);
}
