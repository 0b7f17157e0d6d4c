using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Tests.Support;

/// <summary>Reads the server's SQLite file directly, to check what is (and is not) stored.</summary>
public static class Database
{
    public static SqliteConnection Open(GuestChatHost host)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(host.DataDirectory, "guestchat.db"),
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static long Scalar(GuestChatHost host, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(host);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static long QueuedEnvelopes(GuestChatHost host, ChatId chat) =>
        Scalar(host, "SELECT COUNT(*) FROM envelopes WHERE chat_id = $c", ("$c", chat.Value));

    /// <summary>Polls (for at most 10 s) until the chat has <paramref name="expected"/> queued envelopes; returns the last count.</summary>
    public static async Task<long> QueuedEnvelopesEventuallyAsync(GuestChatHost host, ChatId chat, long expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var count = QueuedEnvelopes(host, chat);
        while (count != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            count = QueuedEnvelopes(host, chat);
        }
        return count;
    }
}
