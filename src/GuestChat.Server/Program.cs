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
