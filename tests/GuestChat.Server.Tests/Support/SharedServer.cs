namespace GuestChat.Server.Tests.Support;

/// <summary>
/// One server for a test class whose tests cannot disturb each other (each makes its own members). Rate limits
/// are relaxed; tests about limits, the clock or restarts start their own <see cref="GuestChatHost"/>.
/// </summary>
public sealed class SharedServer : IAsyncLifetime
{
    public GuestChatHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await GuestChatHost.StartAsync(new GuestChatHostOptions { RelaxRateLimits = true });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
