using System.Text.Json;

namespace GuestChat.Server.Tests.Configuration;

/// <summary>The runtime settings the server's build carries, so that no launcher has to remember them.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void TheServersThreadPoolWorkersSleepInsteadOfSpinning()
    {
        // The server project's runtimeconfig.json, copied beside the tests with the server's assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "GuestChat.Server.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var settings = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(settings.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            "GuestChat.Server.csproj sets the thread pool's spin limit (docs/performance.md, session 11)");
        Assert.Equal(0, spinLimit.GetInt32());
    }
}
