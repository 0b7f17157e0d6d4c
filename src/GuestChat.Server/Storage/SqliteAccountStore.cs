using GuestChat.Protocol;
using GuestChat.Server.Accounts;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

internal sealed class SqliteAccountStore(SqliteDatabase database) : IAccountStore
{
    private const int SqliteConstraint = 19;

    public async Task<bool> TryCreateAsync(MemberRecord member, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO members (id, username, display_name, password_hash, created_at)
            VALUES ($id, $username, $name, $hash, $at);
            """)
            .With("$id", member.Id.Value).With("$username", member.Username).With("$name", member.DisplayName)
            .With("$hash", member.PasswordHash).With("$at", member.CreatedAt);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            return false;
        }
    }

    public Task<MemberRecord?> FindByUsernameAsync(string username, CancellationToken cancellationToken) =>
        FindAsync("username = $key", username, cancellationToken);

    public Task<MemberRecord?> FindAsync(MemberId id, CancellationToken cancellationToken) =>
        FindAsync("id = $key", id.Value, cancellationToken);

    private async Task<MemberRecord?> FindAsync(string condition, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT id, username, display_name, password_hash, created_at FROM members WHERE {condition};")
            .With("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new MemberRecord(
            MemberId.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4));
    }
}
