namespace GuestChat.Server.Storage;

internal sealed class SqliteStorageHealth(SqliteDatabase database) : IStorageHealth
{
    public async Task<bool> CanServeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.Command("SELECT COUNT(*) FROM schema_version;");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            return false;
        }
    }
}
