using GuestChat.Server.Invitations;
using Microsoft.Data.Sqlite;

namespace GuestChat.Server.Storage;

/// <summary>
/// Brings a database up to the latest <see cref="Migrations"/> step, in place: each step runs in its own
/// transaction together with the <c>schema_version</c> row that records it. A database already at the target
/// version costs one query (the server starts on one almost every time).
/// </summary>
public static class Migrator
{
    /// <summary>The version the last of <see cref="Migrations.All"/> brings a database to.</summary>
    public static int LatestVersion => Migrations.All[^1].Version;

    /// <summary>Applies every missing step up to <paramref name="targetVersion"/> (default: all); returns those applied.</summary>
    public static async Task<IReadOnlyList<Migration>> MigrateAsync(
        SqliteConnection connection, TimeProvider clock, int? targetVersion = null, CancellationToken cancellationToken = default) =>
        (await MigrateToAsync(connection, clock, targetVersion ?? LatestVersion, cancellationToken)).Applied;

    /// <summary>Applies every missing step up to <paramref name="targetVersion"/>; returns those applied and the version reached.</summary>
    internal static async Task<(IReadOnlyList<Migration> Applied, int Version)> MigrateToAsync(
        SqliteConnection connection, TimeProvider clock, int targetVersion, CancellationToken cancellationToken)
    {
        var current = await ExistingVersionAsync(connection, cancellationToken);
        if (current >= targetVersion)
        {
            return ([], current);
        }

        // Migration 5 hashes stored claim verifiers; SQLite has no SHA-256 of its own.
        connection.CreateFunction("guestchat_sha256", (byte[] value) => ClaimVerifiers.Hash(value), isDeterministic: true);
        // WAL lets readers proceed while the single writer commits; it is a property of the file and persists.
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");

        var applied = new List<Migration>();
        foreach (var migration in Migrations.All)
        {
            if (migration.Version <= current || migration.Version > targetVersion)
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
            current = migration.Version;
        }
        return (applied, current);
    }

    public static async Task<int> CurrentVersionAsync(SqliteConnection connection)
    {
        await using var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The recorded version, or 0 for a database that has none yet (no <c>schema_version</c> table).</summary>
    private static async Task<int> ExistingVersionAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        // One statement on the usual path; only a new database, on its first start, has no table to read.
        await using var command = connection.Command("SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        try
        {
            return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return 0;
        }
    }
}
