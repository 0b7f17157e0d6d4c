using GuestChat.Protocol;
using GuestChat.Server.Chats;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

/// <summary>How a <see cref="ChatRecord"/> is read from and written to the <c>chats</c> table.</summary>
internal static class ChatRows
{
    public const string Select = """
        SELECT c.id, c.invitation_id, c.member_id, c.device_id, m.display_name, c.guest_name, c.guest_keys, c.claim_tag,
               c.terms_version, c.terms_accepted_at, c.state, c.blocked, c.created_at, p.last_activity_at,
               p.last_seq, p.member_acked_seq, p.guest_acked_seq, p.first_discarded_seq
        FROM chats c JOIN members m ON m.id = c.member_id JOIN chat_progress p ON p.chat_id = c.id
        """;

    public static ChatRecord Read(SqliteDataReader r) => new(
        ChatId.Parse(r.GetString(0)),
        InvitationId.Parse(r.GetString(1)),
        MemberId.Parse(r.GetString(2)),
        DeviceId.Parse(r.GetString(3)),
        r.GetString(4),
        r.GetString(5),
        r.GetBytes(6),
        r.GetBytes(7),
        r.GetString(8),
        r.GetInt64(9),
        ParseState(r.GetString(10)),
        r.GetInt64(11) != 0,
        r.GetInt64(12),
        r.GetInt64(13),
        r.GetInt64(14),
        r.GetInt64(15),
        r.GetInt64(16),
        r.GetInt64(17));

    public static string StateText(ChatState state) => state switch
    {
        ChatState.Active => "active",
        ChatState.Expired => "expired",
        ChatState.Ended => "ended",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    private static ChatState ParseState(string text) => text switch
    {
        "active" => ChatState.Active,
        "expired" => ChatState.Expired,
        "ended" => ChatState.Ended,
        _ => throw new InvalidDataException($"Unknown chat state '{text}'."),
    };

    public static async Task<List<ChatRecord>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var chats = new List<ChatRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chats.Add(Read(reader));
        }
        return chats;
    }
}
