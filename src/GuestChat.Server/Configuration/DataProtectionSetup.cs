using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace GuestChat.Server.Configuration;

/// <summary>
/// Member cookies are protected with data-protection keys kept in the data folder (<c>keys/</c>), so sessions
/// survive restarts. The key ring is loaded (or, in a new data folder, its first key created) in the background
/// once the server listens, instead of before it does: a start does not wait for it, and the first sign-in
/// rarely does.
/// </summary>
public static partial class DataProtectionSetup
{
    /// <summary>The framework's hosted service that loads the key ring before the server starts listening.</summary>
    private const string EagerKeyRingService = "DataProtectionHostedService";

    public static IServiceCollection AddGuestChatDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("GuestChat");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<StorageOptions>, ILoggerFactory>((keys, storage, logs) =>
            keys.XmlRepository = new FileSystemXmlRepository(
                new DirectoryInfo(Path.Combine(storage.Value.FullDataDirectory, "keys")), logs));
        services.AddHostedService<KeyRingWarmUp>();
        return services;
    }

    /// <summary>
    /// Drops the framework's eager key-ring load (which <c>AddDataProtection</c> registers again each time it is
    /// called, e.g. by <c>AddAuthentication</c>): call it after every other registration.
    /// </summary>
    public static IServiceCollection LoadKeyRingInBackground(this IServiceCollection services)
    {
        var eager = services.Where(service => service.ServiceType == typeof(IHostedService)
            && service.ImplementationType?.Name == EagerKeyRingService).ToList();
        foreach (var service in eager)
        {
            services.Remove(service);
        }
        return services;
    }

    private sealed partial class KeyRingWarmUp(IDataProtectionProvider provider, ILogger<KeyRingWarmUp> logger) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            _ = Task.Run(WarmUp, CancellationToken.None);
            return Task.CompletedTask;
        }

        private void WarmUp()
        {
            try
            {
                provider.CreateProtector("GuestChat.KeyRingWarmUp").Protect([]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException
                or System.Security.Cryptography.CryptographicException)
            {
                // The first request that needs the keys meets the same problem and reports it.
                LogWarmUpFailed(e);
            }
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(1, LogLevel.Warning, "Could not load the data-protection keys in the background")]
        private partial void LogWarmUpFailed(Exception exception);
    }
}
