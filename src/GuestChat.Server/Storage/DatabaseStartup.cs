using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Storage;

/// <summary>Creates the data folder and migrates the database before anything else starts (Kestrel included).</summary>
internal sealed partial class DatabaseStartup(
    SqliteDatabase database, IOptions<StorageOptions> options, TimeProvider clock, ILogger<DatabaseStartup> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.FullDataDirectory);
        await using var connection = await database.OpenAsync(cancellationToken);
        var (applied, version) = await Migrator.MigrateToAsync(connection, clock, Migrator.LatestVersion, cancellationToken);
        foreach (var migration in applied)
        {
            LogMigrationApplied(migration.Version, migration.Name);
        }
        LogDatabaseReady(version);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        SqliteDatabase.ReleasePooledConnections();
        return Task.CompletedTask;
    }

    [LoggerMessage(1, LogLevel.Information, "Applied database migration {Version}: {Name}")]
    private partial void LogMigrationApplied(int version, string name);

    [LoggerMessage(2, LogLevel.Information, "Database ready at schema version {Version}")]
    private partial void LogDatabaseReady(int version);
}
