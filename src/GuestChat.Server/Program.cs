using GuestChat.Server;
using Microsoft.Extensions.Options;

// Configuration: appsettings.json, GuestChat__* environment variables, command line (see docs/operations.md).
try
{
    await GuestChatApp.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync("GuestChat cannot start: the configuration is not valid.");
    foreach (var failure in e.Failures)
    {
        await Console.Error.WriteLineAsync($"  - {failure}");
    }
    return 2;
}
catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync($"GuestChat cannot start: {e.Message}");
    return 2;
}
