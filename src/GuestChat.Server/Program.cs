using GuestChat.Server;
using GuestChat.Server.Configuration;
using Microsoft.Extensions.Options;

// Configuration: appsettings.json, GuestChat__* environment variables, command line (see docs/operations.md).
try
{
    var app = GuestChatApp.Build(args);
    app.Services.GetService<IStartupValidator>()?.Validate(); // fail with the messages alone, before the host starts
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (ConfigurationErrors.From(e) is { Count: > 0 } errors)
{
    await Console.Error.WriteLineAsync("GuestChat cannot start: the configuration is not valid.");
    foreach (var error in errors)
    {
        await Console.Error.WriteLineAsync($"  - {error}");
    }
    return 2;
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
{
    // Kestrel could not listen (the address is taken, or the port needs privileges): say so in one line.
    await Console.Error.WriteLineAsync($"GuestChat cannot start: {e.Message}");
    await Console.Error.WriteLineAsync("  Stop the program using that address, or choose another with --urls (docs/operations.md).");
    return 1;
}
