using GuestChat.Server.Invitations;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

/// <summary>
/// Brings a database up to the latest <see cref="Migrations"/> step, in place: each step runs in its own
/// transaction together with the <c>schema_version</c> row that records it.
/// </summary>
public static class Migrator
{
    /// <summary>Applies every missing step up to <paramref name="targetVersion"/> (default: all); returns those applied.</summary>
    public static async Task<IReadOnlyList<Migration>> MigrateAsync(
        SqliteConnection connection, TimeProvider clock, int? targetVersion = null, CancellationToken cancellationToken = default)
    {
        // Migration 5 hashes stored claim verifiers; SQLite has no SHA-256 of its own.
        connection.CreateFunction("guestchat_sha256", (byte[] value) => ClaimVerifiers.Hash(value), isDeterministic: true);
        // WAL lets readers proceed while the single writer commits; it is a property of the file and persists.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");

        var current = await CurrentVersionAsync(connection);
        var applied = new List<Migration>();
        foreach (var migration in Migrations.All)
        {
            if (migration.Version <= current || migration.Version > (targetVersion ?? int.MaxValue))
            {
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(migration.Sql, transaction);
            await using (var record = connection.Command(
                "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $t);", transaction))
            {
                record.With("$v", migration.Version).With("$n", migration.Name)
                    .With("$t", clock.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
        }
        return applied;
    }

    public static async Task<int> CurrentVersionAsync(SqliteConnection connection)
    {
        await using var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
