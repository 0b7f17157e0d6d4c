using System.Text.Json;

namespace GuestChat.Bench.Hosting;

/// <summary>
/// The environment the benchmark gives the server: production settings, its data folder, its own origin as the
/// public base URL, warnings-only logging, and every permit count under <c>GuestChat:RateLimits</c> (read from
/// the server's appsettings.json) raised, so that setup can create thousands of accounts and claims from one
/// address. Nothing else about the server is changed.
/// </summary>
internal static class ServerEnvironment
{
    private const string RaisedLimit = "100000000";

    public static Dictionary<string, string> For(string dataDirectory, Uri baseAddress, string serverAssembly)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["GuestChat__DataDirectory"] = dataDirectory,
            ["GuestChat__PublicBaseUrl"] = baseAddress.GetLeftPart(UriPartial.Authority),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        var settings = Path.Combine(Path.GetDirectoryName(serverAssembly)!, "appsettings.json");
        foreach (var key in RateLimitPermitKeys(settings)) environment[key] = RaisedLimit;
        return environment;
    }

    /// <summary>Environment names (<c>GuestChat__RateLimits__...</c>) of the numeric rate-limit settings that count permits.</summary>
    internal static IEnumerable<string> RateLimitPermitKeys(string appSettingsPath)
    {
        if (!File.Exists(appSettingsPath)) yield break;
        using var document = JsonDocument.Parse(File.ReadAllText(appSettingsPath),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!document.RootElement.TryGetProperty("GuestChat", out var guestChat)
            || !guestChat.TryGetProperty("RateLimits", out var limits)) yield break;
        foreach (var key in NumericLeaves(limits, "GuestChat__RateLimits"))
        {
            yield return key;
        }
    }

    private static IEnumerable<string> NumericLeaves(JsonElement element, string prefix)
    {
        if (element.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in element.EnumerateObject())
        {
            var key = $"{prefix}__{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var nested in NumericLeaves(property.Value, key)) yield return nested;
            }
            else if (property.Value.ValueKind == JsonValueKind.Number && CountsPermits(property.Name))
            {
                yield return key;
            }
        }
    }

    /// <summary>Window lengths and periods are left alone; permit counts are raised.</summary>
    private static bool CountsPermits(string name) =>
        !name.Contains("Window", StringComparison.OrdinalIgnoreCase)
        && !name.Contains("Seconds", StringComparison.OrdinalIgnoreCase)
        && !name.Contains("Minutes", StringComparison.OrdinalIgnoreCase)
        && !name.EndsWith("Period", StringComparison.OrdinalIgnoreCase);
}
