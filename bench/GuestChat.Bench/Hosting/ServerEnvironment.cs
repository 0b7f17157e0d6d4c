using System.Text.Json;

namespace GuestChat.Bench.Hosting;

/// <summary>
/// The environment the benchmark gives the server: production settings, its data folder, its own origin as the
/// public base URL, warnings-only logging, and every rate limit's permit count raised (the rules named in the
/// server's RateLimitOptions, plus any other found under <c>GuestChat:RateLimits</c> in its appsettings.json),
/// so that setup can create thousands of accounts and claims from one address and a hot chat may send more
/// than ten messages a second. A build that runs on the dotnet host (the JIT build) also gets the environment of
/// the server's launch profile (src/GuestChat.Server/Properties/launchSettings.json), as with <c>dotnet run</c>:
/// it holds runtime settings that the native build carries inside it. Nothing else about the server is changed.
/// </summary>
internal static class ServerEnvironment
{
    private const string RaisedLimit = "100000000";

    /// <summary>src/GuestChat.Server/Configuration/RateLimitOptions.cs: <c>GuestChat:RateLimits:{Name}:PermitLimit</c>.</summary>
    private static readonly string[] s_rateLimits =
    [
        "AccountCreationPerAddress", "SignInPerAddress", "SignInPerUsername", "InvitationCreationPerMember",
        "InvitationLookupPerAddress", "ClaimPerAddress", "SendsPerSocket",
    ];

    public static Dictionary<string, string> For(string dataDirectory, Uri baseAddress, string serverAssembly)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["GuestChat__DataDirectory"] = dataDirectory,
            ["GuestChat__PublicBaseUrl"] = baseAddress.GetLeftPart(UriPartial.Authority),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (serverAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (name, value) in LaunchProfileEnvironment(RepositoryPaths.Combine("src", "GuestChat.Server", "Properties", "launchSettings.json")))
            {
                environment[name] = value;
            }
        }
        var settings = Path.Combine(Path.GetDirectoryName(serverAssembly)!, "appsettings.json");
        foreach (var name in s_rateLimits.Union(ConfiguredRateLimits(settings)))
        {
            environment[$"GuestChat__RateLimits__{name}__PermitLimit"] = RaisedLimit;
        }
        return environment;
    }

    /// <summary>The <c>environmentVariables</c> of every profile in the server's launch settings, if any.</summary>
    internal static IEnumerable<(string Name, string Value)> LaunchProfileEnvironment(string launchSettingsPath)
    {
        if (!File.Exists(launchSettingsPath)) return [];
        using var document = JsonDocument.Parse(File.ReadAllText(launchSettingsPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("profiles", out var profiles) || profiles.ValueKind != JsonValueKind.Object) return [];
        return [.. profiles.EnumerateObject()
            .Where(profile => profile.Value.ValueKind == JsonValueKind.Object
                && profile.Value.TryGetProperty("environmentVariables", out var variables) && variables.ValueKind == JsonValueKind.Object)
            .SelectMany(profile => profile.Value.GetProperty("environmentVariables").EnumerateObject())
            .Where(variable => variable.Value.ValueKind == JsonValueKind.String)
            .Select(variable => (variable.Name, variable.Value.GetString()!))];
    }

    /// <summary>Names of the rules under <c>GuestChat:RateLimits</c> in the server's appsettings.json, if any.</summary>
    private static IEnumerable<string> ConfiguredRateLimits(string appSettingsPath)
    {
        if (!File.Exists(appSettingsPath)) return [];
        using var document = JsonDocument.Parse(File.ReadAllText(appSettingsPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("GuestChat", out var guestChat)
            || !guestChat.TryGetProperty("RateLimits", out var limits)
            || limits.ValueKind != JsonValueKind.Object) return [];
        return [.. limits.EnumerateObject().Where(rule => rule.Value.ValueKind == JsonValueKind.Object).Select(rule => rule.Name)];
    }
}
